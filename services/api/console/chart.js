// A time-series chart drawn as inline SVG: the hourly means, the rolling mean the standard
// judges, and the standard's limit as a dashed line.

import { s } from './dom.js';
import { formatAxis, formatNumber } from './i18n.js';

// a phone gets a narrower view box, so that the labels keep a readable size
const NARROW = typeof matchMedia === 'function' && matchMedia('(max-width: 600px)').matches;
const WIDTH = NARROW ? 380 : 720;
const HEIGHT = NARROW ? 240 : 260;
const M = { top: 26, right: 16, bottom: 34, left: 52 };
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * @typedef {{ points: Array<Array<number | null>>, className: string, label: string }} ChartSeries
 * @typedef {{ value: number, label: string }} ChartLimit
 */

/** @param {number} max */
function niceStep(max) {
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  for (const f of [1, 2, 2.5, 5, 10]) if (raw <= f * mag) return f * mag;
  return 10 * mag;
}

/** path of a series, broken where an hour is missing or a value is null */
/** @param {Array<Array<number | null>>} points @param {(t: number) => number} x @param {(v: number) => number} y */
function pathOf(points, x, y) {
  let d = '';
  /** @type {number | null} */
  let last = null;
  for (const [time, value] of points) {
    if (time === null || time === undefined || value === null || value === undefined) {
      last = null;
      continue;
    }
    const gap = last === null || time - last > HOUR_MS * 1.5;
    d += `${gap ? 'M' : 'L'}${x(time).toFixed(1)},${y(value).toFixed(1)}`;
    last = time;
  }
  return d;
}

/**
 * @param {{ from: number, to: number, series: ChartSeries[], limits: ChartLimit[], unit: string, title: string, description: string, decimals: number }} options
 */
export function lineChart(options) {
  const { from, to, series, limits } = options;
  const values = series.flatMap((sr) => sr.points.map((p) => p[1]).filter((v) => typeof v === 'number'));
  const all = [...values, ...limits.map((l) => l.value)];
  const top = Math.max(1e-9, ...all) * 1.1;
  const bottom = Math.min(0, ...all);
  const step = niceStep(top - bottom);
  const yMax = Math.ceil(top / step) * step;
  const yMin = Math.floor(bottom / step) * step;
  const x = (/** @type {number} */ t) => M.left + ((t - from) / (to - from)) * (WIDTH - M.left - M.right);
  const y = (/** @type {number} */ v) => HEIGHT - M.bottom - ((v - yMin) / (yMax - yMin || 1)) * (HEIGHT - M.top - M.bottom);

  const grid = [];
  for (let v = yMin; v <= yMax + step / 2; v += step) {
    grid.push(s('line', { class: 'chart-grid', x1: M.left, x2: WIDTH - M.right, y1: y(v), y2: y(v) }));
    grid.push(s('text', { class: 'chart-tick', x: M.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, formatNumber(v, step < 1 ? 2 : 1)));
  }
  const span = to - from;
  const tickEvery = (span <= 2 * DAY_MS ? 3 * HOUR_MS : span <= 8 * DAY_MS ? DAY_MS : 5 * DAY_MS) * (NARROW ? 2 : 1);
  // ticks at Asia/Bangkok hour or midnight boundaries (UTC+7, no daylight saving)
  const offset = 7 * HOUR_MS;
  const first = Math.ceil((from + offset) / tickEvery) * tickEvery - offset;
  const xTicks = [];
  for (let t = first; t <= to; t += tickEvery) {
    xTicks.push(s('line', { class: 'chart-grid chart-grid-x', x1: x(t), x2: x(t), y1: M.top, y2: HEIGHT - M.bottom }));
    xTicks.push(s('text', { class: 'chart-tick', x: x(t), y: HEIGHT - M.bottom + 16, 'text-anchor': 'middle' }, formatAxis(t, tickEvery >= DAY_MS)));
  }

  const limitLines = limits.map((l) =>
    s(
      'g',
      { class: 'chart-limit' },
      s('line', { x1: M.left, x2: WIDTH - M.right, y1: y(l.value), y2: y(l.value) }),
      s('text', { x: WIDTH - M.right - 4, y: y(l.value) - 5, 'text-anchor': 'end' }, l.label),
    ),
  );
  const lines = series.map((sr) => s('path', { class: `chart-line ${sr.className}`, d: pathOf(sr.points, x, y), fill: 'none' }, s('title', null, sr.label)));
  const id = `chart-${Math.random().toString(36).slice(2, 10)}`;
  return s(
    'svg',
    { class: 'chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc` },
    s('title', { id: `${id}-title` }, options.title),
    s('desc', { id: `${id}-desc` }, options.description),
    s('g', { 'aria-hidden': 'true' }, grid, xTicks, s('line', { class: 'chart-axis', x1: M.left, x2: M.left, y1: M.top, y2: HEIGHT - M.bottom }), limitLines, lines),
    s('text', { class: 'chart-unit', x: 6, y: 12, 'aria-hidden': 'true' }, options.unit),
  );
}
