// The statement view: the whole statement with every match marked, the chosen passage
// scrolled into view, next/previous match, its metadata, and similar passages.
import * as api from './api.js';
import { byId, clear, el } from './dom.js';
import { markedText } from './marks.js';
import { hitItem, plural } from './results.js';

const META_FIELDS = [['speaker', 'Speaker'], ['country', 'Country'], ['date', 'Date'],
                     ['source', 'Source'], ['lang', 'Language'], ['doc_id', 'Id']];

// Which match is current lives here, per rendered statement; it is not part of the URL.
const matches = { marks: [], current: -1 };

function renderMeta(statement) {
  const list = clear(byId('statement-meta'));
  for (const [field, label] of META_FIELDS) {
    if (statement[field]) list.append(el('div', {}, el('dt', {}, label), el('dd', {}, statement[field])));
  }
  const count = statement.passage_count ?? (statement.passages || []).length;
  list.append(el('div', {}, el('dt', {}, 'Passages'), el('dd', {}, String(count))));
}

function renderPassages(statement, chosen) {
  const box = clear(byId('statement-passages'));
  for (const passage of statement.passages || []) {
    const isChosen = passage.passage === chosen;
    box.append(el('section', { class: isChosen ? 'passage chosen' : 'passage', id: `passage-${passage.passage}`,
      'data-passage': passage.passage, tabindex: '-1', 'aria-label': `Passage ${passage.passage}` },
      el('span', { class: 'passage-number', 'aria-hidden': 'true' }, `#${passage.passage}`),
      el('p', { class: 'text' }, markedText(passage.text, passage.highlights))));
  }
}

export function showMatch(index) {
  const { marks } = matches;
  if (marks.length === 0) return;
  const previous = marks[matches.current];
  if (previous) {
    previous.classList.remove('current');
    previous.removeAttribute('tabindex');
  }
  matches.current = (index + marks.length) % marks.length;
  const mark = marks[matches.current];
  mark.classList.add('current');
  mark.setAttribute('tabindex', '-1');
  mark.focus({ preventScroll: true });
  mark.scrollIntoView({ block: 'center' });
  byId('match-info').textContent = `Match ${matches.current + 1} of ${marks.length}`;
}

export function nextMatch(step) {
  showMatch(matches.current + step);
}

function startMatches(chosen) {
  matches.marks = [...byId('statement-passages').querySelectorAll('mark.match')];
  matches.current = -1;
  const hasMatches = matches.marks.length > 0;
  byId('prev-match').disabled = !hasMatches;
  byId('next-match').disabled = !hasMatches;
  byId('match-info').textContent = hasMatches ? plural(matches.marks.length, 'match', 'matches') : 'No matches marked';
  const section = byId(`passage-${chosen}`);
  if (!section) return;
  const first = matches.marks.findIndex((mark) => section.contains(mark));
  if (first >= 0) showMatch(first);
  else {
    section.focus({ preventScroll: true });
    section.scrollIntoView({ block: 'center' });
  }
}

async function renderSimilar(state, isCurrent) {
  const list = clear(byId('similar'));
  const result = await api.similar(state.id, state.n, state);
  if (!isCurrent()) return;
  if (!result.ok) {
    list.append(el('li', { class: 'message' }, 'No similar passages.'));
    return;
  }
  const hits = result.body.hits || [];
  hits.forEach((hit, i) => list.append(hitItem(state, hit, i, { idPrefix: 'similar', plain: true })));
  if (hits.length === 0) list.append(el('li', { class: 'message' }, 'No similar passages.'));
}

function showFailure(message) {
  byId('statement-title').textContent = 'Statement not shown';
  const meta = clear(byId('statement-meta'));
  meta.append(el('div', {}, el('dt', {}, 'Reason'), el('dd', {}, message)));
  clear(byId('statement-passages'));
  clear(byId('similar'));
  byId('match-info').textContent = '';
  byId('prev-match').disabled = true;
  byId('next-match').disabled = true;
}

// Returns an error message, or null when the statement was shown.
export async function renderStatement(state, isCurrent) {
  const result = await api.statement(state.id, state.q, state.expand);
  if (!isCurrent()) return null;
  if (!result.ok) {
    showFailure(api.errorMessage(result));
    return api.errorMessage(result);
  }
  const statement = result.body;
  byId('statement-title').textContent = statement.title || statement.doc_id;
  document.title = `${statement.title || statement.doc_id} – polsearch`;
  renderMeta(statement);
  renderPassages(statement, state.n);
  startMatches(state.n);
  await renderSimilar(state, isCurrent);
  return null;
}
