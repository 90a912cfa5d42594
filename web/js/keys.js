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

// Single-key shortcuts can be turned off (WCAG 2.1.4), and the choice is remembered.
const STORAGE_KEY = 'polsearch.shortcuts';

function shortcutsOn() {
  return byId('shortcuts').checked;
}

function installSwitch() {
  const box = byId('shortcuts');
  try {
    box.checked = localStorage.getItem(STORAGE_KEY) !== 'off';
  } catch {
    // Storage may be refused (private mode); the shortcuts then stay on.
  }
  box.addEventListener('change', () => {
    try {
      localStorage.setItem(STORAGE_KEY, box.checked ? 'on' : 'off');
    } catch {
      // Not remembered; the choice still holds for this page.
    }
  });
}

export function installKeys() {
  installSwitch();
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typingInto(event.target) || !shortcutsOn()) return;
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
