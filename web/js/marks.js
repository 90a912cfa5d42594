// Passage text with its matches in <mark> elements, built from the server's
// highlight offsets. Offsets are Unicode code points (docs/API.md), so the text is
// indexed as an array of code points, not of JavaScript's UTF-16 units.
import { el } from './dom.js';

// Sorted, clamped, merged [start, end) code-point ranges.
export function normaliseRanges(ranges, length) {
  const clean = (ranges || [])
    .filter((r) => Array.isArray(r) && r.length >= 2)
    .map(([s, e]) => [Math.max(0, Math.min(s, length)), Math.max(0, Math.min(e, length))])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged = [];
  for (const range of clean) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([...range]);
  }
  return merged;
}

// A DocumentFragment of text nodes and <mark> nodes. `markClass` lets the statement
// view find its marks again for next/previous.
export function markedText(text, ranges, markClass = 'match') {
  const points = Array.from(text || '');
  const fragment = document.createDocumentFragment();
  let at = 0;
  for (const [start, end] of normaliseRanges(ranges, points.length)) {
    if (start > at) fragment.append(document.createTextNode(points.slice(at, start).join('')));
    fragment.append(el('mark', { class: markClass }, points.slice(start, end).join('')));
    at = end;
  }
  if (at < points.length) fragment.append(document.createTextNode(points.slice(at).join('')));
  return fragment;
}
