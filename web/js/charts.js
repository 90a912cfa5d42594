// Pictures of the current query: matching passages per year (inline SVG bars; a click
// filters to that year) and the top countries as bars (a click filters to that country).
import { byId, clear, el, svg } from './dom.js';
import { facetValues, isSelected, toggled } from './facets.js';

const TIMELINE = { height: 160, top: 18, bottom: 22, left: 4, right: 4 };
const MAX_GAP_FILL = 80;  // longer spans show only the years that have matches

// Years with matches, sorted, with the empty years between them filled in when the span
// is short enough to draw.
export function yearSeries(values) {
  const counts = new Map();
  for (const { value, count } of values) if (/^\d{4}$/.test(value)) counts.set(Number(value), count);
  const years = [...counts.keys()].sort((a, b) => a - b);
  if (years.length === 0) return [];
  const first = years[0];
  const last = years[years.length - 1];
  const span = last - first + 1;
  const all = span <= MAX_GAP_FILL ? Array.from({ length: span }, (_, i) => first + i) : years;
  return all.map((year) => ({ year: String(year), count: counts.get(year) || 0 }));
}

function activate(node, action) {
  node.addEventListener('click', action);
  node.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      action();
    }
  });
}

function yearBar(state, point, x, width, max, go) {
  const plot = TIMELINE.height - TIMELINE.top - TIMELINE.bottom;
  const height = point.count ? Math.max(2, (point.count / max) * plot) : 0;
  const selected = isSelected(state, 'year', point.year);
  const label = `${point.year}: ${point.count} passage${point.count === 1 ? '' : 's'}`;
  const group = svg('g', point.count ? { class: 'bar', role: 'button', tabindex: '0', 'aria-label': label,
    'aria-pressed': String(selected), 'data-year': point.year } : { class: 'bar empty', 'aria-hidden': 'true' },
    svg('title', {}, label),
    // A full-height, invisible target so a short bar is still easy to click.
    svg('rect', { class: 'hit-area', x, y: TIMELINE.top, width, height: plot }),
    svg('rect', { class: selected ? 'fill selected' : 'fill', x, y: TIMELINE.top + plot - height, width, height }));
  if (point.count) activate(group, () => go(toggled(state, 'year', point.year)));
  return group;
}

function drawTimeline(state, series, go) {
  const box = clear(byId('timeline'));
  if (series.length === 0) return false;
  // Drawn at the width it is shown at, so its labels keep their size on a phone.
  const chartWidth = Math.max(280, Math.round(box.clientWidth || 640));
  const inner = chartWidth - TIMELINE.left - TIMELINE.right;
  const step = inner / series.length;
  const width = Math.max(1, step * 0.8);
  const max = Math.max(...series.map((p) => p.count));
  const labelEvery = Math.ceil(series.length / Math.max(3, Math.floor(chartWidth / 50)));
  const chart = svg('svg', { viewBox: `0 0 ${chartWidth} ${TIMELINE.height}`, class: 'chart',
    role: 'group', 'aria-labelledby': 'timeline-caption' });
  series.forEach((point, i) => {
    const x = TIMELINE.left + i * step + (step - width) / 2;
    chart.append(yearBar(state, point, x, width, max, go));
    const last = i === series.length - 1;
    if (i % labelEvery === 0 || last) {
      // The first and last labels are kept inside the picture.
      const [anchor, labelX] = i === 0 ? ['start', x] : last ? ['end', x + width] : ['middle', x + width / 2];
      chart.append(svg('text', { x: labelX, y: TIMELINE.height - 6, class: 'axis', 'text-anchor': anchor,
        'aria-hidden': 'true' }, point.year));
    }
  });
  chart.append(svg('text', { x: TIMELINE.left, y: 12, class: 'axis', 'aria-hidden': 'true' }, `max ${max}`));
  box.append(chart);
  return true;
}

// Country bars are HTML buttons (their text scales with the page); the bar's length is
// set through the CSSOM, which the Content-Security-Policy allows (style attributes in
// markup it would not).
function drawCountries(state, values, go) {
  const box = clear(byId('country-bars'));
  const top = values.filter((v) => !v.value.startsWith('(')).slice(0, 8);
  if (top.length === 0) return false;
  const max = Math.max(...top.map((v) => v.count));
  const list = el('ol', { class: 'country-bars' });
  for (const { value, count } of top) {
    const selected = isSelected(state, 'country', value);
    const fill = el('span', { class: selected ? 'bar-fill selected' : 'bar-fill' });
    fill.style.width = `${Math.max(2, (count / max) * 100)}%`;
    list.append(el('li', {}, el('button', {
      type: 'button', class: 'country-bar', 'aria-pressed': String(selected), 'data-country': value,
      'aria-label': `${value}: ${count} passage${count === 1 ? '' : 's'}`,
      on: { click: () => go(toggled(state, 'country', value)) },
    }, el('span', { class: 'label' }, value), el('span', { class: 'track' }, fill), el('span', { class: 'count' }, String(count)))));
  }
  box.append(list);
  return true;
}

export function renderCharts(state, facets, go) {
  // Shown before drawing: the timeline takes the width it finds.
  byId('pictures').hidden = false;
  byId('timeline').closest('figure').hidden = false;
  const years = facetValues(facets, 'year');
  const hasYears = drawTimeline(state, yearSeries(years), go);
  // The server lists a facet's top values only; the rest are counted as "(other)".
  const partial = years.some((v) => v.value === '(other)');
  byId('timeline-caption').textContent = partial
    ? `Matching passages per year (the ${years.filter((v) => /^\d{4}$/.test(v.value)).length} years with most)`
    : 'Matching passages per year';
  const hasCountries = drawCountries(state, facetValues(facets, 'country'), go);
  byId('timeline').closest('figure').hidden = !hasYears;
  byId('country-bars').closest('figure').hidden = !hasCountries;
  byId('pictures').hidden = !hasYears && !hasCountries;
}
