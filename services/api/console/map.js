// The station map: sites placed by their coordinates in Web Mercator, scaled to the city's
// bounding box and drawn as SVG. No tiles unless the server is configured with a tile URL
// (SETTINGS.tileUrl), so the page needs no outside network.

import { h, s } from './dom.js';
import { t } from './i18n.js';
import { SETTINGS } from './reference.js';

// a phone gets a squarer, smaller view box, so that the markers stay large enough to read and tap
const NARROW = typeof matchMedia === 'function' && matchMedia('(max-width: 600px)').matches;
const WIDTH = NARROW ? 420 : 800;
const HEIGHT = NARROW ? 440 : 480;
const PADDING = NARROW ? 28 : 48;
const TILE_SIZE = 256;

/**
 * @typedef {{ id: string, lat: number, lon: number, shape: 'circle' | 'square' | 'diamond' | 'triangle', fill: string,
 *   text?: string, textColour?: string, label: string, href?: string, dataset?: Record<string, string> }} MapMarker
 */

/** Web Mercator, normalised to 0-1 on both axes */
/** @param {number} lat @param {number} lon */
export function project(lat, lon) {
  const clamped = Math.max(-85.05112878, Math.min(85.05112878, lat));
  const rad = (clamped * Math.PI) / 180;
  return { x: (lon + 180) / 360, y: (1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2 };
}

/** @param {MapMarker[]} markers */
function viewport(markers) {
  const points = markers.map((m) => project(m.lat, m.lon));
  let minX = Math.min(...points.map((p) => p.x));
  let maxX = Math.max(...points.map((p) => p.x));
  let minY = Math.min(...points.map((p) => p.y));
  let maxY = Math.max(...points.map((p) => p.y));
  // at least ~2 km across, so that one site or sites on one street still get a sensible scale
  const minSpan = 2 / 40075;
  if (maxX - minX < minSpan) [minX, maxX] = [(minX + maxX) / 2 - minSpan / 2, (minX + maxX) / 2 + minSpan / 2];
  if (maxY - minY < minSpan) [minY, maxY] = [(minY + maxY) / 2 - minSpan / 2, (minY + maxY) / 2 + minSpan / 2];
  const scale = Math.min((WIDTH - 2 * PADDING) / (maxX - minX), (HEIGHT - 2 * PADDING) / (maxY - minY));
  const offsetX = WIDTH / 2 - ((minX + maxX) / 2) * scale;
  const offsetY = HEIGHT / 2 - ((minY + maxY) / 2) * scale;
  return { scale, toView: (/** @type {{x: number, y: number}} */ p) => ({ x: p.x * scale + offsetX, y: p.y * scale + offsetY }), offsetX, offsetY };
}

/** @param {ReturnType<typeof viewport>} vp @param {string} template */
function tiles(vp, template) {
  const zoom = Math.max(0, Math.min(19, Math.round(Math.log2(vp.scale / TILE_SIZE))));
  const n = 2 ** zoom;
  const size = vp.scale / n;
  const fromX = Math.floor(-vp.offsetX / size);
  const toX = Math.floor((WIDTH - vp.offsetX) / size);
  const fromY = Math.max(0, Math.floor(-vp.offsetY / size));
  const toY = Math.min(n - 1, Math.floor((HEIGHT - vp.offsetY) / size));
  const images = [];
  for (let x = fromX; x <= toX; x++) {
    for (let y = fromY; y <= toY; y++) {
      const wrapped = ((x % n) + n) % n;
      const href = template.replace('{z}', String(zoom)).replace('{x}', String(wrapped)).replace('{y}', String(y)).replace('{s}', 'a');
      images.push(s('image', { href, x: x * size + vp.offsetX, y: y * size + vp.offsetY, width: size + 0.5, height: size + 0.5, preserveAspectRatio: 'none' }));
    }
  }
  return s('g', { class: 'map-tiles', 'aria-hidden': 'true' }, images);
}

/** @param {MapMarker} m @param {{x: number, y: number}} p */
function shape(m, p) {
  const r = 13;
  const common = { class: 'map-shape', fill: m.fill };
  switch (m.shape) {
    case 'square':
      return s('rect', { ...common, x: p.x - 10, y: p.y - 10, width: 20, height: 20, rx: 2 });
    case 'diamond':
      return s('polygon', { ...common, points: `${p.x},${p.y - 13} ${p.x + 13},${p.y} ${p.x},${p.y + 13} ${p.x - 13},${p.y}` });
    case 'triangle':
      return s('polygon', { ...common, points: `${p.x},${p.y - 13} ${p.x + 12},${p.y + 10} ${p.x - 12},${p.y + 10}` });
    default:
      return s('circle', { ...common, cx: p.x, cy: p.y, r });
  }
}

/**
 * @param {MapMarker[]} markers markers without coordinates are left out
 * @param {string} title
 */
export function stationMap(markers, title) {
  const placed = markers.filter((m) => Number.isFinite(m.lat) && Number.isFinite(m.lon));
  if (placed.length === 0) return h('p', { class: 'muted' }, t('mapNoCoordinates'));
  const vp = viewport(placed);
  // air stations on top: they are the ones read at a glance
  const order = { diamond: 0, triangle: 1, square: 2, circle: 3 };
  const sorted = [...placed].sort((a, b) => order[a.shape] - order[b.shape]);
  const layers = [];
  if (SETTINGS.tileUrl) layers.push(tiles(vp, SETTINGS.tileUrl));
  else layers.push(s('rect', { class: 'map-ground', x: 0, y: 0, width: WIDTH, height: HEIGHT }));
  for (const m of sorted) {
    const p = vp.toView(project(m.lat, m.lon));
    const body = [
      s('title', null, m.label),
      shape(m, p),
      m.text ? s('text', { class: 'map-text', x: p.x, y: p.y + 4, 'text-anchor': 'middle', fill: m.textColour ?? '#111111', 'aria-hidden': 'true' }, m.text) : null,
    ];
    const attrs = { class: `map-marker map-${m.shape}`, 'data-id': m.id, ...(m.dataset ? { dataset: m.dataset } : {}) };
    layers.push(m.href ? s('a', { ...attrs, href: m.href, 'aria-label': m.label }, body) : s('g', { ...attrs, role: 'img', 'aria-label': m.label }, body));
  }
  const svg = s('svg', { class: 'station-map', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'group', 'aria-label': title }, layers);
  const figure = h('figure', { class: 'map-figure' }, svg);
  if (SETTINGS.tileUrl && SETTINGS.tileAttribution) figure.append(h('figcaption', { class: 'muted' }, SETTINGS.tileAttribution));
  return figure;
}
