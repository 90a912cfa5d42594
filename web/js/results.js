// The result list: totals, the did-you-mean line, hits with marked matches, and paging.
import { byId, clear, el } from './dom.js';
import { markedText } from './marks.js';
import { PAGE_SIZE, urlFor, withChange } from './state.js';

export function plural(count, one, many) {
  return `${count.toLocaleString('en')} ${count === 1 ? one : many}`;
}

// "12 passages in 3 statements" (the live region reads it out after each search).
export function totalsText(total) {
  if (!total) return '';
  const about = total.exact === false ? 'about ' : '';
  return `${about}${plural(total.passages || 0, 'passage', 'passages')} in ` +
         `${plural(total.statements || 0, 'statement', 'statements')}`;
}

export function metaParts(record) {
  return [record.speaker, record.country, record.date, record.source].filter((v) => v);
}

function statementLink(state, hit) {
  return urlFor({ ...state, view: 'statement', id: hit.doc_id, n: hit.passage });
}

function explainTable(hit) {
  if (!Array.isArray(hit.explain) || hit.explain.length === 0) return null;
  const rows = hit.explain.map((part) =>
    el('tr', {}, el('td', {}, part.kind), el('td', {}, part.query || part.term || ''),
       el('td', { class: 'num' }, Number(part.weight).toFixed(3))));
  return el('details', { class: 'why' }, el('summary', {}, 'Why this passage'),
    el('table', {},
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'part'), el('th', { scope: 'col' }, 'query'),
                         el('th', { scope: 'col', class: 'num' }, 'weight'))),
      el('tbody', {}, rows),
      el('tfoot', {}, el('tr', {}, el('th', { scope: 'row', colspan: '2' }, 'total'),
                         el('td', { class: 'num' }, Number(hit.total ?? hit.score).toFixed(3))))));
}

export function hitItem(state, hit, index, options = {}) {
  const titleId = `${options.idPrefix || 'hit'}-${index}-title`;
  const more = Number(hit.more ?? hit.collapsed ?? 0);
  const matched = Array.isArray(hit.matched) ? hit.matched : [];
  return el('li', { class: 'hit', tabindex: '-1', 'data-doc': hit.doc_id, 'data-passage': hit.passage },
    el('article', { 'aria-labelledby': titleId },
      el('h3', { id: titleId, class: 'hit-title' },
        el('a', { href: statementLink(state, hit) }, hit.title || hit.doc_id)),
      el('p', { class: 'meta' }, metaParts(hit).join(' · ') || hit.doc_id),
      el('p', { class: 'text' }, markedText(hit.text, hit.highlights)),
      more > 0 ? el('p', { class: 'more' },
        el('a', { href: statementLink(state, hit) }, `+${more} more from this statement`)) : null,
      !options.plain && matched.length ? el('p', { class: 'matched' }, `Matched: ${matched.join(', ')}`) : null,
      options.plain ? null : explainTable(hit)));
}

export function renderHits(state, body) {
  const list = clear(byId('hits'));
  (body.hits || []).forEach((hit, i) => list.append(hitItem(state, hit, i)));
  renderPager(state, body);
}

function renderPager(state, body) {
  const pager = byId('pager');
  const count = (body.hits || []).length;
  const hasPrevious = state.offset > 0;
  const hasNext = count === PAGE_SIZE && state.offset + PAGE_SIZE < 10000;
  pager.hidden = !hasPrevious && !hasNext;
  byId('prev-page').disabled = !hasPrevious;
  byId('next-page').disabled = !hasNext;
  byId('page-info').textContent = count ? `hits ${state.offset + 1}–${state.offset + count}` : '';
}

// The did-you-mean link, or the note that the suggestion's results are shown (then the
// response's `query` is the corrected query and `corrected_from` the one typed).
export function renderSuggestion(state, body) {
  const line = clear(byId('suggestion'));
  line.hidden = !body.suggestion && !body.corrected_from;
  if (body.corrected_from) {
    const corrected = body.suggestion || (body.query !== body.corrected_from ? body.query : '');
    line.append(`No matches for “${body.corrected_from}”; showing results for `,
      corrected ? `“${corrected}”.` : 'a corrected spelling.');
  } else if (body.suggestion) {
    line.append('Did you mean: ',
      el('a', { href: urlFor(withChange(state, { q: body.suggestion })), id: 'suggestion-link' }, body.suggestion), '?');
  }
}

// A query syntax error shows the query with the place of the error marked.
export function renderError(state, message, position) {
  const box = clear(byId('message'));
  box.hidden = false;
  box.classList.add('error');
  box.append(message);
  if (Number.isInteger(position) && state.q) {
    const points = Array.from(state.q);
    box.append(el('br'), el('code', {}, points.slice(0, position).join(''),
      el('mark', { class: 'error-at' }, points[position] ?? ' '), points.slice(position + 1).join('')));
  }
}

export function renderMessage(text) {
  const box = clear(byId('message'));
  box.classList.remove('error');
  box.hidden = !text;
  if (text) box.append(text);
}
