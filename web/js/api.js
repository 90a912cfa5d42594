// The server's JSON API (docs/API.md). Every call resolves to {ok, status, body} and
// never throws for an HTTP error: the page shows the server's own message.
import { FILTER_FIELDS, PAGE_SIZE, searchParams } from './state.js';

export const FACETS = ['country', 'speaker', 'year', 'source'];

async function getJson(path) {
  let response;
  try {
    response = await fetch(path, { headers: { Accept: 'application/json' } });
  } catch (error) {
    return { ok: false, status: 0, body: { error: { code: 'network', message: `the server did not answer (${error.message})` } } };
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = { error: { code: 'bad_response', message: `the server answered ${response.status} without JSON` } };
  }
  return { ok: response.ok, status: response.status, body };
}

export function search(state) {
  const params = searchParams(state);
  params.set('limit', String(PAGE_SIZE));
  params.set('facets', FACETS.join(','));
  params.set('explain', '1');
  return getJson(`api/v1/search?${params}`);
}

// With `expand`, the statement's highlights mark a concept's wordings as search does.
export function statement(id, query, expand) {
  const params = new URLSearchParams();
  if (query) params.set('q', query);
  if (query && expand) params.set('expand', '1');
  return getJson(`api/v1/statements/${encodeURIComponent(id)}?${params}`);
}

// Similar passages, within the same filters as the search the reader came from.
export function similar(id, passage, state) {
  const params = new URLSearchParams();
  params.set('limit', '5');
  for (const field of FILTER_FIELDS) {
    for (const value of state.filters[field]) params.append(field, value);
  }
  return getJson(`api/v1/statements/${encodeURIComponent(id)}/passages/${passage}/like?${params}`);
}

export function errorMessage(result) {
  const error = result.body && result.body.error;
  if (!error) return `the server answered ${result.status}`;
  return error.message || error.code || `the server answered ${result.status}`;
}
