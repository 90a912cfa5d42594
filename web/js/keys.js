// Keyboard habits: "/" focuses the search box; j and k move to the next and previous
// hit (in the statement view, the next and previous match).
import { byId } from './dom.js';
import { nextMatch } from './statement.js';

function typingInto(target) {
  return target instanceof HTMLElement &&
         (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

function moveHit(step) {
  const hits = [...byId('hits').querySelectorAll(':scope > li.hit')];
  if (hits.length === 0) return;
  const at = hits.findIndex((hit) => hit.contains(document.activeElement));
  const next = at < 0 ? (step > 0 ? 0 : hits.length - 1) : Math.min(hits.length - 1, Math.max(0, at + step));
  hits[next].focus();
  hits[next].scrollIntoView({ block: 'nearest' });
}

export function installKeys() {
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typingInto(event.target)) return;
    const inStatement = document.body.dataset.view === 'statement';
    if (event.key === '/') {
      event.preventDefault();
      byId('q').focus();
      byId('q').select();
    } else if (event.key === 'j' || event.key === 'k') {
      event.preventDefault();
      const step = event.key === 'j' ? 1 : -1;
      if (inStatement) nextMatch(step);
      else moveHit(step);
    }
  });
}
