// The city at a glance: Thai AQI per station on a map and in a list, water class compliance,
// energy against baseline, bins needing collection, devices reporting.

import { getJson } from './api.js';
import { h, replace } from './dom.js';
import { formatDateTime, formatNumber, pick, t } from './i18n.js';
import { NO_DATA_COLOUR, bandName, paramLabel, placeName, pollutantSymbol, textOn } from './labels.js';
import { stationMap } from './map.js';
import { REFERENCE } from './reference.js';
import { aqiBadge, errorBlock, loading, pill, section, table } from './ui.js';

const REFRESH_MS = 60_000;
const STATUS_COLOURS = { ok: '#2e7d32', bad: '#c62828', unknown: NO_DATA_COLOUR };

/** @param {string} reporting */
function reportingPill(reporting) {
  const kind = reporting === 'reporting' ? 'ok' : reporting === 'silent' ? 'bad' : 'muted';
  return pill(t(`reporting_${reporting}`), kind);
}

/**
 * @param {HTMLElement} main
 * @param {import('./ui.js').ViewContext} ctx
 * @returns {import('./ui.js').View}
 */
export function overviewView(main, ctx) {
  /** @type {any} */
  let aqi = null;
  /** @type {any} */
  let status = null;
  /** @type {unknown} */
  let error = null;
  const body = h('div', { class: 'view-body' });
  let timer = 0;

  async function load() {
    try {
      const city = encodeURIComponent(ctx.city);
      [aqi, status] = await Promise.all([getJson(`/v1/cities/${city}/aqi`), getJson(`/v1/cities/${city}/site-status`)]);
      error = null;
    } catch (err) {
      error = err;
    }
    render();
  }

  const stationHref = (/** @type {string} */ device) => `#/c/${encodeURIComponent(ctx.city)}/station/${encodeURIComponent(device)}`;

  function cityCard() {
    const c = aqi.cityAqi;
    const worst = aqi.stations.find((/** @type {any} */ st) => st.device === c.worstStation);
    return section(
      t('cityAqi'),
      'city-aqi-title',
      h(
        'div',
        { class: 'city-aqi' },
        h('div', { class: 'city-aqi-value', vars: { '--band': c.band?.colour ?? NO_DATA_COLOUR, '--band-text': textOn(c.band?.colour ?? NO_DATA_COLOUR) }, 'data-colour': c.band?.colour ?? NO_DATA_COLOUR }, c.aqi === null ? '–' : String(c.aqi)),
        h(
          'dl',
          { class: 'facts' },
          h('dt', null, t('band')),
          h('dd', { class: 'band-name' }, bandName(c.band)),
          h('dt', null, t('responsiblePollutant')),
          h('dd', null, pollutantSymbol(c.responsiblePollutant)),
          h('dt', null, t('worstStation')),
          h('dd', null, worst ? h('a', { href: stationHref(worst.device) }, siteName(worst.site)) : t('notAvailable')),
          h('dt', null, t('medianAqi')),
          h('dd', null, c.medianAqi === null ? t('notAvailable') : String(c.medianAqi)),
          h('dt', null, t('updatedAt')),
          h('dd', { class: 'updated-at' }, formatDateTime(aqi.at)),
        ),
      ),
      h(
        'ul',
        { class: 'aqi-legend', 'aria-label': t('aqiLegend') },
        REFERENCE.aqiBands.map((b) =>
          h(
            'li',
            null,
            h('span', { class: 'swatch', vars: { '--band': b.colour }, 'aria-hidden': 'true' }),
            `${b.minAqi}${b.maxAqi === null ? '+' : `–${b.maxAqi}`} `,
            h('span', { class: 'band-label' }, pick(b.name)),
          ),
        ),
      ),
    );
  }

  function siteName(/** @type {string} */ siteId) {
    return placeName(status.sites.find((/** @type {any} */ s) => s.id === siteId)) || siteId;
  }

  function markers() {
    /** @type {import('./map.js').MapMarker[]} */
    const out = [];
    const aqiBySite = new Map(aqi.stations.map((/** @type {any} */ st) => [st.site, st]));
    for (const site of status.sites) {
      if (site.lat === null || site.lon === null) continue;
      const name = placeName(site);
      const station = /** @type {any} */ (aqiBySite.get(site.id));
      if (station) {
        const colour = station.band?.colour ?? NO_DATA_COLOUR;
        out.push({
          id: site.id,
          lat: site.lat,
          lon: site.lon,
          shape: 'circle',
          fill: colour,
          text: station.aqi === null ? '–' : String(station.aqi),
          textColour: textOn(colour),
          label: `${name}: ${t('aqi')} ${station.aqi ?? t('notAvailable')}, ${bandName(station.band)}${station.responsiblePollutant ? `, ${pollutantSymbol(station.responsiblePollutant)}` : ''}`,
          href: stationHref(station.device),
          dataset: { device: station.device, colour, kind: 'air' },
        });
        continue;
      }
      const water = status.water.find((/** @type {any} */ w) => w.site === site.id);
      const energy = status.energy.find((/** @type {any} */ e) => e.site === site.id);
      const waste = status.waste.find((/** @type {any} */ w) => w.site === site.id);
      if (water) {
        const fill = water.status === 'compliant' ? STATUS_COLOURS.ok : water.status === 'non-compliant' ? STATUS_COLOURS.bad : STATUS_COLOURS.unknown;
        out.push({ id: site.id, lat: site.lat, lon: site.lon, shape: 'square', fill, label: `${name}: ${t(`water_${water.status}`)}`, href: stationHref(water.device), dataset: { kind: 'water' } });
      } else if (waste) {
        const fullest = [...waste.devices].sort((a, b) => (b.fillingLevel ?? -1) - (a.fillingLevel ?? -1))[0];
        const fill = waste.needCollection > 0 ? STATUS_COLOURS.bad : STATUS_COLOURS.ok;
        out.push({ id: site.id, lat: site.lat, lon: site.lon, shape: 'triangle', fill, label: `${name}: ${t('needCollection')} ${waste.needCollection}/${waste.bins}`, href: fullest ? stationHref(fullest.device) : undefined, dataset: { kind: 'waste' } });
      } else if (energy) {
        out.push({ id: site.id, lat: site.lat, lon: site.lon, shape: 'diamond', fill: '#5c6bc0', label: `${name}: ${formatNumber(energy.kwhLast24h, 0)} kWh`, href: stationHref(energy.device), dataset: { kind: 'energy' } });
      }
    }
    return out;
  }

  function stationRows() {
    const devices = new Map(status.devices.map((/** @type {any} */ d) => [d.id, d]));
    return aqi.stations.map((/** @type {any} */ st) => {
      const device = /** @type {any} */ (devices.get(st.device));
      return h(
        'tr',
        { 'data-device': st.device },
        h('th', { scope: 'row' }, h('a', { href: stationHref(st.device) }, siteName(st.site))),
        h('td', null, aqiBadge(st.aqi, st.band, bandName(st.band))),
        h('td', { class: 'band-name' }, bandName(st.band)),
        h('td', null, pollutantSymbol(st.responsiblePollutant)),
        h('td', null, device ? reportingPill(device.reporting) : ''),
        h('td', null, device?.lastSeen ? formatDateTime(device.lastSeen) : t('notAvailable')),
      );
    });
  }

  function waterSection() {
    if (status.water.length === 0) return section(t('water'), 'water-title', h('p', { class: 'muted' }, t('noneHere')));
    const rows = status.water.map((/** @type {any} */ w) =>
      h(
        'tr',
        { 'data-site': w.site },
        h('th', { scope: 'row' }, h('a', { href: stationHref(w.device) }, siteName(w.site))),
        h('td', null, w.waterClass === null ? t('notAvailable') : String(w.waterClass)),
        h('td', null, pill(t(`water_${w.status}`), w.status === 'compliant' ? 'ok' : w.status === 'non-compliant' ? 'bad' : 'muted')),
        h(
          'td',
          null,
          w.params.map((/** @type {any} */ p) =>
            h('span', { class: `param-verdict verdict-${p.verdict}` }, `${paramLabel('water', p.param)} ${p.value === null ? '–' : formatNumber(p.value, 2)} ${p.verdict === 'pass' ? '✓' : p.verdict === 'exceed' ? '✗' : '?'}`),
          ),
        ),
      ),
    );
    return section(t('water'), 'water-title', table(t('water'), [t('site'), t('waterClass'), t('state'), t('value')], rows), h('p', { class: 'note' }, t('waterNote')));
  }

  function energySection() {
    if (status.energy.length === 0) return section(t('energy'), 'energy-title', h('p', { class: 'muted' }, t('noneHere')));
    const rows = status.energy.map((/** @type {any} */ e) => {
      const change = e.changePercent;
      return h(
        'tr',
        { 'data-site': e.site },
        h('th', { scope: 'row' }, h('a', { href: stationHref(e.device) }, siteName(e.site))),
        h('td', { class: 'num' }, formatNumber(e.kwhLast24h, 0)),
        h('td', { class: 'num' }, formatNumber(e.baselineKwhPerDay, 0)),
        h('td', { class: 'num' }, change === null ? t('notAvailable') : `${change > 0 ? '▲ +' : change < 0 ? '▼ ' : ''}${formatNumber(change, 1)} %`),
      );
    });
    return section(t('energy'), 'energy-title', table(t('energy'), [t('site'), t('kwhLast24h'), t('baseline'), t('change')], rows), h('p', { class: 'note' }, t('energyNote')));
  }

  function wasteSection() {
    if (status.waste.length === 0) return section(t('waste'), 'waste-title', h('p', { class: 'muted' }, t('noneHere')));
    const rows = status.waste.map((/** @type {any} */ w) => {
      const fullest = [...w.devices].sort((a, b) => (b.fillingLevel ?? -1) - (a.fillingLevel ?? -1))[0];
      return h(
        'tr',
        { 'data-site': w.site },
        h('th', { scope: 'row' }, siteName(w.site)),
        h('td', { class: 'num' }, String(w.bins)),
        h('td', { class: 'num' }, w.needCollection > 0 ? pill(String(w.needCollection), 'bad') : '0'),
        h('td', { class: 'num' }, String(w.overflowing)),
        h('td', null, fullest && fullest.fillingLevel !== null ? h('a', { href: stationHref(fullest.device) }, `${fullest.device} ${formatNumber(fullest.fillingLevel, 0)} %`) : t('notAvailable')),
      );
    });
    return section(
      t('waste'),
      'waste-title',
      table(t('waste'), [t('site'), t('bins'), t('needCollection'), t('overflowing'), t('fullest')], rows),
      h('p', { class: 'note' }, t('wasteNote', { full: formatNumber(status.thresholds.wasteFullPercent, 0) })),
    );
  }

  function render() {
    if (error) return replace(body, errorBlock(error, () => void load()));
    if (!aqi || !status) return replace(body, loading());
    const reporting = status.devices.filter((/** @type {any} */ d) => d.reporting === 'reporting').length;
    const active = status.devices.filter((/** @type {any} */ d) => d.status === 'active').length;
    replace(
      body,
      h('div', { class: 'grid-2' }, cityCard(), section(t('map'), 'map-title', stationMap(markers(), t('map')), h('p', { class: 'note' }, t('mapDescription')))),
      section(
        t('stations'),
        'stations-title',
        table(t('stations'), [t('station'), t('aqi'), t('band'), t('responsiblePollutant'), t('deviceStatus'), t('lastSeen')], stationRows(), { class: 'stations-table' }),
      ),
      h('p', { class: 'device-health' }, `${t('devicesReporting')}: ${reporting} / ${active}`),
      waterSection(),
      h('div', { class: 'grid-even' }, energySection(), wasteSection()),
    );
  }

  replace(
    main,
    h(
      'div',
      { class: 'view-head' },
      h('h1', { tabindex: '-1' }, `${ctx.cityName()} · ${t('navOverview')}`),
      h('button', { type: 'button', class: 'button button-quiet', onClick: () => void load() }, t('refresh')),
    ),
    body,
  );
  render();
  void load();
  timer = window.setInterval(() => void load(), REFRESH_MS);
  return {
    render: () => {
      const heading = main.querySelector('h1');
      if (heading) heading.textContent = `${ctx.cityName()} · ${t('navOverview')}`;
      const button = main.querySelector('.view-head button');
      if (button) button.textContent = t('refresh');
      render();
    },
    destroy: () => window.clearInterval(timer),
  };
}
