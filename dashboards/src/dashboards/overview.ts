/** City overview: stations on a map by current Thai AQI band, active alerts, data completeness. */
import { DEFAULT_KPI_INPUTS, DAY_MS, MIN_COMPLETENESS, NO_DATA_AFTER_MS, type Domain } from '@mueang/core';
import { FrameGeometrySourceBuilder, FrameGeometrySourceMode, MapLayerOptionsBuilder, TableSortByFieldStateBuilder } from '@grafana/grafana-foundation-sdk/common';
import { FieldColorBuilder, FieldColorModeId, type DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { ControlsOptionsBuilder, MapCenterID, MapViewConfigBuilder, PanelBuilder as GeomapPanel, TooltipMode, TooltipOptionsBuilder } from '@grafana/grafana-foundation-sdk/geomap';
import { stationAqiQuery, durationOf } from '../aqi-query.ts';
import { as, agg, select } from '../influxql.ts';
import { colouredColumn, hideColumns, influx, locationFilter, stat, table, withSiteNames } from '../panels.ts';
import { DATASOURCE, GAZETTEER_URL_PATH } from '../provisioning.ts';
import { activeAlertCount, activeAlerts, completenessAllDomains, completenessMean, silentDeviceCount, silentDevices } from '../queries.ts';
import { aqiThresholds, limitThresholds } from '../standards.ts';
import { baseDashboard, type BuildContext } from './common.ts';

/** alerts older than this are not looked at for "active" (an alert active longer still shows in its reminders) */
export const ALERT_LOOKBACK = '30d';
export const COMPLETENESS_WINDOW_MS = DAY_MS;
export const SILENT_AFTER = durationOf(NO_DATA_AFTER_MS);
export const KNOWN_DEVICES_LOOKBACK = '30d';
/** alert events carry city and device as tags (site is a field): the site choice does not narrow them */
export const ALERT_FILTER = locationFilter(['city', 'device']);
/** the completeness rule of the standards and KPIs, in % */
const COMPLETENESS_PERCENT = MIN_COMPLETENESS * 100;

const AQI_DESCRIPTION =
  'Thai AQI of each air station now: each pollutant averaged over its own window ending now (PM2.5 and PM10 24 h, ' +
  'O3 and CO 8 h, NO2 and SO2 1 h), sub-indices from the PCD breakpoint table in force, AQI = the highest sub-index. ' +
  'Computed by InfluxDB from the table in @mueang/core; unlike the API it does not apply the completeness rule, ' +
  'so a station that reported little shows the mean of what arrived. Colours are the five AQI bands.';

export function stationAqiTarget(ctx: BuildContext, refId = 'A') {
  return influx(stationAqiQuery({ at: ctx.at, where: locationFilter(['city', 'site', 'device']) }), { refId, format: 'table' });
}

export function stationAqiTable(ctx: BuildContext) {
  const panel = table('Station AQI now', AQI_DESCRIPTION, [stationAqiTarget(ctx)])
    .thresholds(aqiThresholds())
    .decimals(0)
    .sortBy([new TableSortByFieldStateBuilder().displayName('aqi').desc(true)])
    .span(8)
    .height(10);
  return withSiteNames(hideColumns(colouredColumn(panel, 'aqi'), ['Time']), ctx.sites);
}

function aqiMap(ctx: BuildContext) {
  return new GeomapPanel()
    .title('Stations by current Thai AQI')
    .description(`${AQI_DESCRIPTION} Station positions come from the site registry export the dashboards were built with (${GAZETTEER_URL_PATH}); rebuild the dashboards after adding sites.`)
    .datasource(DATASOURCE)
    .withTarget(stationAqiTarget(ctx))
    .colorScheme(new FieldColorBuilder().mode(FieldColorModeId.Thresholds))
    .thresholds(aqiThresholds())
    .decimals(0)
    .view(new MapViewConfigBuilder().id(MapCenterID.Fit).lat(0).lon(0).zoom(12).allLayers(true).padding(10).maxZoom(15))
    .controls(new ControlsOptionsBuilder().showZoom(true).mouseWheelZoom(true).showAttribution(true))
    .basemap(new MapLayerOptionsBuilder().type('default').name('Basemap').config({}))
    .layers([
      new MapLayerOptionsBuilder()
        .type('markers')
        .name('Air stations')
        .location(new FrameGeometrySourceBuilder().mode(FrameGeometrySourceMode.Lookup).lookup('site').gazetteer(GAZETTEER_URL_PATH))
        .tooltip(true)
        .config({
          showLegend: true,
          style: {
            color: { field: 'aqi', fixed: 'text' },
            opacity: 0.9,
            size: { fixed: 14 },
            symbol: { mode: 'fixed', fixed: 'img/icons/marker/circle.svg' },
            text: { mode: 'field', field: 'aqi', fixed: '' },
            textConfig: { fontSize: 11, offsetX: 0, offsetY: -16, textAlign: 'center', textBaseline: 'middle' },
          },
        }),
    ])
    .tooltip(new TooltipOptionsBuilder().mode(TooltipMode.Details))
    .span(16)
    .height(14);
}

export function completenessTable(ctx: BuildContext) {
  const intervals: Record<Domain, number> = DEFAULT_KPI_INPUTS.reportingIntervalSeconds;
  const query = completenessAllDomains(intervals, locationFilter(), durationOf(COMPLETENESS_WINDOW_MS), COMPLETENESS_WINDOW_MS);
  const slots = Object.entries(intervals)
    .map(([domain, seconds]) => `${domain} ${seconds} s`)
    .join(', ');
  const panel = table(
    'Data completeness by device (last 24 h)',
    `Share of each device's reporting slots in the last 24 h that hold at least one reading (slot = the domain's reporting interval, the KPI defaults: ${slots}). Below ${COMPLETENESS_PERCENT} % a window counts as "insufficient data" for standards and KPIs.`,
    [influx(query, { format: 'table' })],
  )
    .thresholds(limitThresholds({ min: COMPLETENESS_PERCENT }))
    .unit('percent')
    .decimals(1)
    .sortBy([new TableSortByFieldStateBuilder().displayName('completeness').desc(false)]);
  return withSiteNames(hideColumns(colouredColumn(panel, 'completeness'), ['Time']), ctx.sites);
}

function completenessStat() {
  const intervals: Record<Domain, number> = DEFAULT_KPI_INPUTS.reportingIntervalSeconds;
  const query = completenessMean(intervals, locationFilter(), durationOf(COMPLETENESS_WINDOW_MS), COMPLETENESS_WINDOW_MS);
  return stat('Data completeness (24 h)', `Per domain, the mean over its devices of the share of reporting slots with data in the last 24 h; the ${COMPLETENESS_PERCENT} % line is the completeness rule of the standards and KPIs.`, influx(query, { alias: '$m' }))
    .thresholds(limitThresholds({ min: COMPLETENESS_PERCENT }))
    .unit('percent')
    .decimals(1);
}

export function silentDevicesTable(ctx: BuildContext) {
  const panel = table(
    `Devices without data for ${SILENT_AFTER}`,
    `Devices that sent readings in the last ${KNOWN_DEVICES_LOOKBACK} but none in the last ${SILENT_AFTER}: the no-data time of the alert rule "ops.device.offline".`,
    [influx(silentDevices(locationFilter(), SILENT_AFTER, KNOWN_DEVICES_LOOKBACK), { format: 'table' })],
  );
  return withSiteNames(hideColumns(panel, ['Time', 'readings']), ctx.sites);
}

function silentDevicesStat() {
  const query = silentDeviceCount(locationFilter(), SILENT_AFTER, KNOWN_DEVICES_LOOKBACK);
  return stat(`Devices silent ${SILENT_AFTER}`, `Devices with no reading in the last ${SILENT_AFTER}, per domain (no value = none).`, influx(query, { alias: '$m' }))
    .thresholds(limitThresholds({ max: 1 }))
    .noValue('0');
}

export function activeAlertsTable(ctx: BuildContext) {
  return withSiteNames(
    table('Active alerts', `Per device and rule, the latest alert event of the last ${ALERT_LOOKBACK} when it leaves the alert active (raised, escalated, reminded, acknowledged, not yet cleared). Filtered by city and device (alert events do not carry the site as a tag).`, [
      influx(activeAlerts(ALERT_FILTER, ALERT_LOOKBACK), { format: 'table' }),
    ]),
    ctx.sites,
  );
}

function activeAlertStat() {
  return stat('Alerts active now', `Alerts active now (latest event of each device and rule within ${ALERT_LOOKBACK}).`, influx(activeAlertCount(ALERT_FILTER, ALERT_LOOKBACK), { format: 'table' }))
    .thresholds(limitThresholds({ max: 1 }))
    .noValue('0');
}

function cityAqiStat(ctx: BuildContext) {
  const worst = select({ fields: [as(agg('max', 'aqi'), 'city AQI')], from: [{ subquery: stationAqiQuery({ at: ctx.at, where: locationFilter(['city', 'site', 'device']) }) }] });
  return stat('City AQI (worst station)', `The highest station AQI (project choice "city-aqi": the worst station is the headline). ${AQI_DESCRIPTION}`, influx(worst, { format: 'table' }))
    .thresholds(aqiThresholds())
    .decimals(0);
}

export function overviewDashboard(ctx: BuildContext): DashboardBuilder {
  return baseDashboard({
    uid: 'mueang-overview',
    title: 'Mueang — City overview',
    description: 'Air stations by current Thai AQI, active alerts and data completeness of the city.',
    tags: ['overview'],
    from: 'now-24h',
  })
    .withPanel(cityAqiStat(ctx))
    .withPanel(activeAlertStat())
    .withPanel(completenessStat())
    .withPanel(silentDevicesStat())
    .withPanel(aqiMap(ctx))
    .withPanel(stationAqiTable(ctx).height(14))
    .withPanel(activeAlertsTable(ctx))
    .withPanel(completenessTable(ctx));
}
