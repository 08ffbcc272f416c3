// Small DOM helpers. Text always goes in as text nodes (never as HTML), so data from the API
// cannot inject markup; the Content-Security-Policy forbids inline styles and scripts anyway.

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * @typedef {string | number | Node | null | undefined | false} Child
 * @typedef {Record<string, unknown>} Props
 */

/** @param {Element} el @param {Props} props */
function applyProps(el, props) {
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    } else if (name === 'dataset' && typeof value === 'object') {
      for (const [k, v] of Object.entries(/** @type {Record<string, string>} */ (value))) /** @type {HTMLElement} */ (el).dataset[k] = String(v);
    } else if (name === 'vars' && typeof value === 'object') {
      // CSS custom properties through the CSSOM (allowed by the CSP, unlike style attributes)
      for (const [k, v] of Object.entries(/** @type {Record<string, string>} */ (value))) /** @type {HTMLElement} */ (el).style.setProperty(k, String(v));
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
}

/** @param {Element} el @param {Child[]} children */
function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * An HTML element: h('button', { type: 'button', onClick }, 'Text').
 * @param {string} tag @param {Props | null} [props] @param {...(Child | Child[])} children
 * @returns {HTMLElement}
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) applyProps(el, props);
  append(el, /** @type {Child[]} */ (children));
  return el;
}

/**
 * An SVG element.
 * @param {string} tag @param {Props | null} [props] @param {...(Child | Child[])} children
 * @returns {SVGElement}
 */
export function s(tag, props, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  if (props) applyProps(el, props);
  append(el, /** @type {Child[]} */ (children));
  return /** @type {SVGElement} */ (el);
}

/** @param {Element} el @param {...(Child | Child[])} children */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, /** @type {Child[]} */ (children));
}
