// The search page: reads its state from the URL, asks the server, draws the results,
// and writes every change back to the URL (so links can be shared and back works).
import * as api from './api.js';
import { byId, clear } from './dom.js';
import { renderCharts } from './charts.js';
import { renderFacets } from './facets.js';
import { renderError, renderHits, renderMessage, renderSuggestion, totalsText } from './results.js';
import { hasSearch, PAGE_SIZE, stateFromUrl, urlFor, withChange } from './state.js';
import { nextMatch, renderStatement } from './statement.js';
import { installKeys } from './keys.js';

const page = { state: stateFromUrl(location.search), request: 0, typingEntry: false };
const TYPING_DELAY_MS = 300;

function announce(text) {
  byId('status').textContent = text;
}

function fillForm(state) {
  // Left alone while it already says the same, so typing (a trailing space) goes on.
  if (byId('q').value.trim() !== state.q) byId('q').value = state.q;
  byId('sort').value = state.sort;
  byId('date-from').value = state.dateFrom;
  byId('date-to').value = state.dateTo;
  byId('expand').checked = state.expand;
}

function formState() {
  return withChange(page.state, {
    view: 'search', q: byId('q').value.trim(), sort: byId('sort').value,
    dateFrom: byId('date-from').value.trim(), dateTo: byId('date-to').value.trim(),
    expand: byId('expand').checked,
  });
}

function clearResults() {
  for (const id of ['hits', 'facets', 'active-filters', 'timeline', 'country-bars']) clear(byId(id));
  byId('pictures').hidden = true;
  byId('pager').hidden = true;
  byId('suggestion').hidden = true;
}

async function renderSearch(state, isCurrent) {
  if (!hasSearch(state)) {
    clearResults();
    renderMessage('Type a query: words, "a phrase", country:UKR, ~concept. Press / to come back here.');
    announce('');
    return;
  }
  const result = await api.search(state);
  if (!isCurrent()) return;
  if (!result.ok) {
    clearResults();
    const error = result.body && result.body.error;
    renderError(state, api.errorMessage(result), error ? error.position : null);
    announce(`Error: ${api.errorMessage(result)}`);
    return;
  }
  const body = result.body;
  renderMessage((body.hits || []).length ? '' : 'No passages match.');
  renderSuggestion(state, body);
  renderHits(state, body);
  renderFacets(state, body.facets, go, body.facet_sample);
  renderCharts(state, body.facets, go);
  announce(totalsText(body.total));
}

async function render(state) {
  page.state = state;
  const request = ++page.request;
  const isCurrent = () => request === page.request;
  fillForm(state);
  const inStatement = state.view === 'statement';
  byId('search-view').hidden = inStatement;
  byId('statement-view').hidden = !inStatement;
  document.body.dataset.view = state.view;
  document.title = state.q ? `${state.q} – polsearch` : 'polsearch';
  if (inStatement) {
    byId('back-to-results').setAttribute('href', urlFor({ ...state, view: 'search' }));
    announce('');
    const error = await renderStatement(state, isCurrent);
    if (error && isCurrent()) announce(`Error: ${error}`);
    else if (isCurrent()) announce(`Statement: ${byId('statement-title').textContent}; ${byId('match-info').textContent}`);
  } else {
    await renderSearch(state, isCurrent);
  }
  if (isCurrent()) document.body.dataset.ready = String(request);
}

// A new state: a new history entry (a run of typing shares one), then draw it.
// The same URL again (Enter after the typed query was already searched) replaces the
// entry, so back never shows the same results twice.
function go(state, { typing = false } = {}) {
  const url = urlFor(state);
  const same = new URL(url, location.href).href === location.href;
  if (same || (typing && page.typingEntry)) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  page.typingEntry = typing;
  if (!typing) window.scrollTo(0, 0);
  return render(state);
}

function installForm() {
  let timer = 0;
  byId('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(timer);
    go(formState());
  });
  byId('q').addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const state = formState();
      if (state.q !== page.state.q && (state.q.length >= 2 || state.q === '')) go(state, { typing: true });
    }, TYPING_DELAY_MS);
  });
  // A changed option searches at once; a date when it is left (or on Enter).
  for (const id of ['sort', 'expand', 'date-from', 'date-to']) {
    byId(id).addEventListener('change', () => {
      const state = formState();
      if (urlFor(state) !== urlFor(page.state)) go(state);
    });
  }
  byId('prev-page').addEventListener('click', () =>
    go(withChange(page.state, { offset: Math.max(0, page.state.offset - PAGE_SIZE) })));
  byId('next-page').addEventListener('click', () =>
    go(withChange(page.state, { offset: page.state.offset + PAGE_SIZE })));
  byId('prev-match').addEventListener('click', () => nextMatch(-1));
  byId('next-match').addEventListener('click', () => nextMatch(1));
}

// Links the page makes ("?q=...") are followed without reloading the page; a click with
// a modifier key still opens a new tab or window.
function installLinks() {
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[href]');
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const href = link.getAttribute('href');
    if (!href.startsWith('?') && href !== './') return;
    event.preventDefault();
    go(stateFromUrl(href === './' ? '' : href));
  });
  window.addEventListener('popstate', () => {
    page.typingEntry = false;
    render(stateFromUrl(location.search));
  });
}

installForm();
installLinks();
installKeys();
render(page.state);
