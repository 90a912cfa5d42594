// Building DOM from data. Everything a statement or the server says is put into the
// page as text nodes (textContent), never parsed as HTML: a statement that contains
// "<script>" shows those characters and runs nothing.

const SVG_NS = 'http://www.w3.org/2000/svg';

// el('a', {href: '?q=x', class: 'hit'}, 'text', otherNode): attributes are set one by
// one; children that are strings become text nodes. `on` maps event names to handlers.
export function el(tag, attributes = {}, ...children) {
  return fill(document.createElement(tag), attributes, children);
}

export function svg(tag, attributes = {}, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attributes, children);
}

function fill(node, attributes, children) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'on') {
      for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    } else if (name === 'class') {
      node.setAttribute('class', value);
    } else if (name === 'href') {
      node.setAttribute('href', safeHref(value));
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Links the page makes are always relative to this page ("?q=..."); anything else
// (a "javascript:" scheme, another host) is refused, so data can never become a link.
export function safeHref(value) {
  const text = String(value);
  return text.startsWith('?') || text === './' || text.startsWith('#') ? text : '#';
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

export function byId(id) {
  return document.getElementById(id);
}
