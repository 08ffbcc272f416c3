// Building blocks shared by the views.

import { ApiProblem } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { NO_DATA_COLOUR, textOn } from './labels.js';

/**
 * @typedef {{ city: string, cityName: () => string, params: Record<string, string>, query: URLSearchParams,
 *   live: import('./alerts-live.js').LiveAlerts, announce: (text: string) => void, go: (hash: string) => void }} ViewContext
 * @typedef {{ render: () => void, destroy?: () => void }} View
 */

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, t('loading'));
}

/** @param {unknown} err */
export function problemText(err) {
  if (err instanceof ApiProblem) {
    if (err.status === 0) return t('errorNetwork');
    if (err.status === 401) return t('error401');
    if (err.status === 403) return `${t('error403')} ${err.detail}`;
    return err.detail || err.title;
  }
  return err instanceof Error ? err.message : String(err);
}

/** @param {unknown} err @param {(() => void) | null} [retry] */
export function errorBlock(err, retry) {
  return h(
    'div',
    { class: 'error-block', role: 'alert' },
    h('p', null, h('strong', null, t('errorTitle')), ': ', problemText(err)),
    retry ? h('button', { type: 'button', class: 'button', onClick: retry }, t('retry')) : null,
  );
}

/**
 * A titled section.
 * @param {string} title @param {string} id @param {...(Node | string | null | false)} children
 */
export function section(title, id, ...children) {
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/**
 * A table that scrolls sideways on a narrow screen (and can be scrolled with the keyboard).
 * @param {string} caption @param {string[]} headers @param {Array<Node[] | (string | Node | null)[]>} rows @param {Record<string, unknown>} [props]
 */
export function table(caption, headers, rows, props = {}) {
  return h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-label': caption, tabindex: '0' },
    h(
      'table',
      props,
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', null, h('tr', null, headers.map((name) => h('th', { scope: 'col' }, name)))),
      h('tbody', null, rows.map((cells) => (cells instanceof HTMLElement ? cells : h('tr', null, cells.map((c) => h('td', null, c)))))),
    ),
  );
}

/**
 * An AQI badge in the band colour, with the number and the band name for screen readers.
 * @param {number | null} aqi @param {{ colour: string, name: { en: string, th: string } } | null} band @param {string} bandText
 */
export function aqiBadge(aqi, band, bandText) {
  const colour = band ? band.colour : NO_DATA_COLOUR;
  return h(
    'span',
    { class: 'aqi-badge', vars: { '--band': colour, '--band-text': textOn(colour) }, dataset: { colour }, title: bandText },
    aqi === null ? '–' : String(aqi),
  );
}

/** @param {string} text @param {string} kind ok | warn | bad | muted */
export function pill(text, kind) {
  return h('span', { class: `pill pill-${kind}` }, text);
}
