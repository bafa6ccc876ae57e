// Building DOM nodes. Text always goes in through textContent / text nodes, never as HTML, so
// whatever a session prints is shown as text.

/**
 * el('div', {class: 'row', dataset: {seq: 3}, onclick: fn}, 'text', child, …)
 * Attributes are set with setAttribute (never `style`, never `on…` strings); functions under
 * `on…` keys become event listeners.
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  apply(node, attributes);
  append(node, children);
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element, for the usage chart. */
export function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  apply(node, attributes);
  append(node, children);
  return node;
}

function apply(node, attributes) {
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') {
      for (const [name, v] of Object.entries(value)) node.dataset[name] = String(v);
    } else if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else if (key === 'text') {
      node.textContent = String(value);
    } else if (key === 'value') {
      node.value = value;
    } else if (key === 'checked' || key === 'disabled' || key === 'hidden' || key === 'open' || key === 'selected') {
      node[key] = Boolean(value);
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `node`. */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** A <select> of `options` ([value, label] pairs or plain values) with `current` selected. */
export function select(attributes, options, current) {
  const node = el('select', attributes);
  for (const option of options) {
    const [value, label] = Array.isArray(option) ? option : [option, option];
    node.append(el('option', {value, selected: value === current}, label));
  }
  return node;
}

/** A labelled form field. */
export function field(label, control) {
  return el('label', {class: 'field'}, el('span', {}, label), control);
}
