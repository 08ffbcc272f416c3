// One device (an air station, a sonde, a meter, a bin): charts of the last 24 h, 7 or 30 days
// with the standard and its rolling averaging window, data completeness and device status.

import { getJson } from './api.js';
import { lineChart } from './chart.js';
import { h, replace } from './dom.js';
import { formatDateTime, formatNumber, formatPercent, pick, t } from './i18n.js';
import { bandName, placeName, pollutantSymbol } from './labels.js';
import { aqiBadge, errorBlock, loading, pill, section, table } from './ui.js';

const RANGES = ['24h', '7d', '30d'];

/**
 * @param {HTMLElement} main
 * @param {import('./ui.js').ViewContext} ctx
 * @returns {import('./ui.js').View}
 */
export function stationView(main, ctx) {
  const deviceId = ctx.params.device ?? '';
  let range = RANGES.includes(ctx.query.get('range') ?? '') ? /** @type {string} */ (ctx.query.get('range')) : '24h';
  /** @type {any} */
  let trend = null;
  /** @type {any} */
  let station = null;
  /** @type {unknown} */
  let error = null;
  const head = h('div', { class: 'view-head' });
  const body = h('div', { class: 'view-body' });
  let loadSeq = 0;

  async function load() {
    const seq = ++loadSeq;
    trend = null;
    render();
    try {
      const city = encodeURIComponent(ctx.city);
      const device = encodeURIComponent(deviceId);
      const next = await getJson(`/v1/cities/${city}/devices/${device}/trend`, { query: { range } });
      const aqi = next.device.domain === 'air' ? await getJson(`/v1/cities/${city}/aqi`) : null;
      if (seq !== loadSeq) return;
      trend = next;
      station = aqi ? aqi.stations.find((/** @type {any} */ s) => s.device === deviceId) ?? null : null;
      error = null;
    } catch (err) {
      if (seq !== loadSeq) return;
      error = err;
    }
    render();
  }

  /** @param {string} next */
  function setRange(next) {
    if (next === range) return;
    range = next;
    const hash = `#/c/${encodeURIComponent(ctx.city)}/station/${encodeURIComponent(deviceId)}?range=${next}`;
    history.replaceState(null, '', hash);
    void load();
  }

  function title() {
    const site = trend?.site ? placeName(trend.site) : '';
    return site ? `${site} · ${deviceId}` : deviceId;
  }

  function renderHead() {
    replace(
      head,
      h('p', { class: 'breadcrumb' }, h('a', { href: `#/c/${encodeURIComponent(ctx.city)}` }, `← ${t('backToOverview')}`)),
      h('h1', { tabindex: '-1' }, title()),
      h(
        'div',
        { class: 'segmented', role: 'group', 'aria-label': t('range') },
        RANGES.map((r) => h('button', { type: 'button', class: 'button', 'aria-pressed': r === range ? 'true' : 'false', 'data-range': r, onClick: () => setRange(r) }, t(`range_${r}`))),
      ),
    );
  }

  function deviceFacts() {
    const d = trend.device;
    const kind = d.reporting === 'reporting' ? 'ok' : d.reporting === 'silent' ? 'bad' : 'muted';
    return section(
      t('deviceStatus'),
      'device-status-title',
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, t('site')),
        h('dd', null, trend.site ? placeName(trend.site) : d.siteId),
        h('dt', null, t('device')),
        h('dd', null, `${d.id} (${d.kind})`),
        h('dt', null, t('deviceStatus')),
        h('dd', { class: 'device-reporting' }, pill(t(`reporting_${d.reporting}`), kind)),
        h('dt', null, t('lastSeen')),
        h('dd', null, formatDateTime(d.lastSeen)),
        trend.site?.waterClass ? h('dt', null, t('waterClass')) : null,
        trend.site?.waterClass ? h('dd', null, String(trend.site.waterClass)) : null,
      ),
      h('p', { class: 'note' }, t('expectedInterval', { seconds: d.expectedIntervalS })),
    );
  }

  function aqiFacts() {
    if (!station) return null;
    return section(
      t('aqi'),
      'station-aqi-title',
      h(
        'div',
        { class: 'city-aqi' },
        aqiBadge(station.aqi, station.band, bandName(station.band)),
        h(
          'dl',
          { class: 'facts' },
          h('dt', null, t('band')),
          h('dd', { class: 'band-name' }, bandName(station.band)),
          h('dt', null, t('responsiblePollutant')),
          h('dd', null, pollutantSymbol(station.responsiblePollutant)),
          h('dt', null, t('missingPollutants')),
          h('dd', null, station.missing.length === 0 ? '–' : station.missing.map(pollutantSymbol).join(', ')),
        ),
      ),
      station.subIndices.length > 0
        ? table(
            t('subIndices'),
            [t('subIndices'), t('value'), t('aqi')],
            station.subIndices.map((/** @type {any} */ s) => [pollutantSymbol(s.pollutant), `${formatNumber(s.concentration, 1)} ${s.unit}`, String(s.aqi)]),
          )
        : null,
    );
  }

  /** @param {any} standard */
  function limitText(standard) {
    const parts = [];
    if (standard.max !== null) parts.push(t('limitMax', { value: formatNumber(standard.max, 3), unit: standard.unit }));
    if (standard.min !== null) parts.push(t('limitMin', { value: formatNumber(standard.min, 3), unit: standard.unit }));
    return parts.join(', ');
  }

  /** @param {any} p */
  function paramCard(p) {
    const from = Date.parse(trend.from);
    const to = Date.parse(trend.to);
    const values = p.points.map((/** @type {number[]} */ pt) => pt[1]);
    const latest = values[values.length - 1];
    const max = Math.max(...values);
    const label = pick(p.label);
    // sound levels average as energy (Leq)
    const hourlyKey = p.statistic === 'leq' ? 'hourlyLeq' : 'hourlyMean';
    const rollingKey = p.statistic === 'leq' ? 'rollingLeq' : 'rollingMean';
    const series = [{ points: p.points, className: 'line-hourly', label: t(hourlyKey) }];
    if (p.rolling) series.push({ points: p.rolling.points, className: 'line-rolling', label: `${t(rollingKey)}: ${pick(p.rolling.label)}` });
    const limits = [];
    if (p.standard?.max !== null && p.standard?.max !== undefined) limits.push({ value: p.standard.max, label: `${t('standardLine')} ${formatNumber(p.standard.max, 3)} ${p.unit}` });
    if (p.standard?.min !== null && p.standard?.min !== undefined) limits.push({ value: p.standard.min, label: `${t('standardLine')} ${formatNumber(p.standard.min, 3)} ${p.unit}` });
    const summary = t('chartSummary', { param: label, count: p.points.length, latest: formatNumber(latest, p.decimals), max: formatNumber(max, p.decimals), unit: p.unit });
    const id = `param-${p.param}`;
    return h(
      'section',
      { class: 'card chart-card', 'aria-labelledby': id, 'data-param': p.param },
      h('h2', { id }, `${label} (${p.unit})`),
      h(
        'dl',
        { class: 'facts facts-inline' },
        h('dt', null, t('completeness')),
        h('dd', { class: 'completeness' }, formatPercent(p.completeness)),
        h('dt', null, t('standard')),
        h('dd', null, p.standard ? `${pick(p.standard.name)} (${p.standard.id}, ${p.standard.version}): ${limitText(p.standard)}` : t('noStandard')),
        p.rolling ? h('dt', null, t(rollingKey)) : null,
        p.rolling ? h('dd', null, pick(p.rolling.label)) : null,
      ),
      lineChart({ from, to, series, limits, unit: p.unit, title: `${label}, ${t(`range_${trend.range}`)}`, description: summary, decimals: p.decimals }),
      h(
        'ul',
        { class: 'chart-key', 'aria-hidden': 'true' },
        h('li', { class: 'key-hourly' }, t(hourlyKey)),
        p.rolling ? h('li', { class: 'key-rolling' }, `${t(rollingKey)} (${pick(p.rolling.label)})`) : null,
        limits.length > 0 ? h('li', { class: 'key-limit' }, t('standardLine')) : null,
      ),
      h('p', { class: 'note' }, summary),
    );
  }

  function render() {
    renderHead();
    if (error) return replace(body, errorBlock(error, () => void load()));
    if (!trend) return replace(body, loading());
    replace(
      body,
      h('div', { class: 'grid-2' }, deviceFacts(), aqiFacts()),
      trend.params.length === 0 ? h('p', { class: 'muted' }, t('noTrendData')) : trend.params.map(paramCard),
      h('p', { class: 'note method' }, `${t('updatedAt')} ${formatDateTime(trend.to)}`),
    );
  }

  replace(main, head, body);
  render();
  void load();
  return { render };
}
