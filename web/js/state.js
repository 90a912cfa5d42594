// The page's whole state lives in the URL's query string, so a link can be shared
// and back/forward work: ?q=...&country=UKR&date_from=2014&sort=-date&offset=10, and
// for the statement view also view=statement&id=...&n=4.

export const FILTER_FIELDS = ['country', 'speaker', 'source', 'lang'];
export const PAGE_SIZE = 10;
const SORTS = ['relevance', 'date', '-date'];

export function emptyState() {
  const filters = Object.fromEntries(FILTER_FIELDS.map((f) => [f, []]));
  return { view: 'search', q: '', sort: 'relevance', dateFrom: '', dateTo: '',
           expand: false, offset: 0, filters, id: '', n: 0 };
}

export function stateFromUrl(search) {
  const params = new URLSearchParams(search);
  const state = emptyState();
  state.q = params.get('q') || '';
  state.sort = SORTS.includes(params.get('sort')) ? params.get('sort') : 'relevance';
  state.dateFrom = params.get('date_from') || '';
  state.dateTo = params.get('date_to') || '';
  state.expand = params.get('expand') === '1';
  state.offset = nonNegative(params.get('offset'));
  for (const field of FILTER_FIELDS) state.filters[field] = params.getAll(field);
  if (params.get('view') === 'statement' && params.get('id')) {
    state.view = 'statement';
    state.id = params.get('id');
    state.n = nonNegative(params.get('n'));
  }
  return state;
}

function nonNegative(text) {
  const number = Number.parseInt(text || '0', 10);
  return Number.isFinite(number) && number > 0 ? number : 0;
}

// The search part of the state as parameters; the API takes the same names.
export function searchParams(state) {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  for (const field of FILTER_FIELDS) {
    for (const value of state.filters[field]) params.append(field, value);
  }
  if (state.dateFrom) params.set('date_from', state.dateFrom);
  if (state.dateTo) params.set('date_to', state.dateTo);
  if (state.sort !== 'relevance') params.set('sort', state.sort);
  if (state.expand) params.set('expand', '1');
  if (state.offset > 0) params.set('offset', String(state.offset));
  return params;
}

export function urlFor(state) {
  const params = searchParams(state);
  if (state.view === 'statement') {
    params.set('view', 'statement');
    params.set('id', state.id);
    params.set('n', String(state.n));
  }
  const text = params.toString();
  return text ? `?${text}` : './';
}

export function hasSearch(state) {
  return Boolean(state.q || state.dateFrom || state.dateTo ||
                 FILTER_FIELDS.some((f) => state.filters[f].length > 0));
}

// A copy with one change applied; paging restarts unless the change is the page.
export function withChange(state, change) {
  const next = structuredClone(state);
  Object.assign(next, change);
  if (!('offset' in change)) next.offset = 0;
  return next;
}

export function toggleFilter(state, field, value) {
  const next = withChange(state, {});
  const values = next.filters[field];
  const at = values.indexOf(value);
  if (at >= 0) values.splice(at, 1);
  else values.push(value);
  return next;
}

// A year filter is a date range from that year to that year; the same click again
// removes it.
export function toggleYear(state, year) {
  const selected = state.dateFrom === year && state.dateTo === year;
  return withChange(state, selected ? { dateFrom: '', dateTo: '' } : { dateFrom: year, dateTo: year });
}
