// The filter sidebar: each facet's values with their counts (a click adds or removes
// that filter), and the active filters as removable chips.
import { byId, clear, el } from './dom.js';
import { FILTER_FIELDS, toggleFilter, toggleYear, withChange } from './state.js';

const FACET_TITLES = { country: 'Countries', speaker: 'Speakers', year: 'Years', source: 'Sources' };
const UNCLICKABLE = new Set(['(none)', '(other)']);

// The server sends {name: [{value, count}]}; older summaries had {name: {counts}}.
export function facetValues(facets, name) {
  const facet = facets && facets[name];
  if (Array.isArray(facet)) return facet;
  if (facet && Array.isArray(facet.counts)) return facet.counts;
  return [];
}

export function isSelected(state, name, value) {
  if (name === 'year') return state.dateFrom === value && state.dateTo === value;
  return (state.filters[name] || []).includes(value);
}

export function toggled(state, name, value) {
  return name === 'year' ? toggleYear(state, value) : toggleFilter(state, name, value);
}

function facetGroup(state, name, values, go) {
  const headingId = `facet-${name}-heading`;
  const items = values.map(({ value, count }) => {
    const label = [el('span', { class: 'facet-value' }, value), el('span', { class: 'count' }, String(count))];
    if (UNCLICKABLE.has(value)) return el('li', { class: 'facet-fixed' }, label);
    const pressed = isSelected(state, name, value);
    return el('li', {}, el('button', {
      type: 'button', class: 'facet', 'aria-pressed': String(pressed), 'data-facet': name, 'data-value': value,
      title: `${pressed ? 'Remove' : 'Add'} filter ${name}: ${value}`,
      on: { click: () => go(toggled(state, name, value)) },
    }, label));
  });
  return el('section', { class: 'facet-group', 'aria-labelledby': headingId },
    el('h3', { id: headingId }, FACET_TITLES[name] || name), el('ul', {}, items));
}

// Years read best newest first; "(none)" and "(other)" stay last.
function inOrder(name, values) {
  if (name !== 'year') return values;
  const key = (v) => (UNCLICKABLE.has(v.value) ? -1 : Number(v.value) || 0);
  return [...values].sort((a, b) => key(b) - key(a));
}

// sample: the response's facet_sample; counts from a sample say how many they cover.
export function renderFacets(state, facets, go, sample) {
  const box = clear(byId('facets'));
  for (const name of Object.keys(FACET_TITLES)) {
    const values = inOrder(name, facetValues(facets, name));
    if (values.length) box.append(facetGroup(state, name, values, go));
  }
  if (sample && sample.exact === false && box.childNodes.length) {
    box.append(el('p', { class: 'facet-sample' }, `Counted over the first ${sample.passages} matching passages.`));
  }
  renderChips(state, go);
}

function chip(text, next, go) {
  return el('li', {}, el('button', { type: 'button', class: 'chip', 'aria-label': `Remove filter ${text}`,
    on: { click: () => go(next) } }, text, el('span', { 'aria-hidden': 'true' }, ' ×')));
}

function renderChips(state, go) {
  const list = clear(byId('active-filters'));
  for (const field of FILTER_FIELDS) {
    for (const value of state.filters[field]) list.append(chip(`${field}: ${value}`, toggleFilter(state, field, value), go));
  }
  if (state.dateFrom || state.dateTo) {
    const range = state.dateFrom === state.dateTo ? state.dateFrom : `${state.dateFrom || '…'} to ${state.dateTo || '…'}`;
    list.append(chip(`date: ${range}`, withChange(state, { dateFrom: '', dateTo: '' }), go));
  }
  list.hidden = list.childElementCount === 0;
}
