/** Air quality: each AQI pollutant on its standard's averaging window per station, and noise as Leq 24 h, against the standard lines. */
import { AQI_POLLUTANTS, getParameter, MIN_COMPLETENESS, NOISE_STANDARD_ID, type AqiPollutant } from '@mueang/core';
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { influx, locationFilter, timeseries, withStandardLines } from '../panels.ts';
import { meanPerInterval, noiseLeqPerDay, rollingMeanPerHour } from '../queries.ts';
import { readingMeasurement } from '../schema.ts';
import { grafanaUnit } from '../units.ts';
import { aqiStandard, describeStandard, limitThresholds, standardInForce } from '../standards.ts';
import { baseDashboard, type BuildContext } from './common.ts';
import { stationAqiTable } from './overview.ts';

/** The pollutant's mean over its standard's window per station, with the standard drawn as a line. */
export function pollutantPanel(ctx: BuildContext, pollutant: AqiPollutant) {
  const standard = aqiStandard(pollutant, ctx.at);
  const windowMs = standard.averaging.periodMs;
  if (standard.averaging.kind !== 'rolling' || windowMs === undefined) throw new Error(`dashboards: standard ${standard.id} is not a rolling mean`);
  const label = getParameter('air', pollutant)?.label.en ?? pollutant;
  const query = rollingMeanPerHour('air', pollutant, windowMs, locationFilter(), 'site');
  return withStandardLines(
    timeseries(
      `${label}: ${standard.averaging.label.en} per station`,
      `${standard.averaging.label.en} per station, stepped hourly (hours without data are skipped; the alerts and KPIs also require ${MIN_COMPLETENESS * 100} % of the window's data). Dashed line: ${describeStandard(standard)}`,
      [influx(query, { alias: '$tag_site' })],
    ),
    limitThresholds(standard.limit),
  ).unit(grafanaUnit(standard.unit));
}

/** Noise as the standard judges it: Leq 24 h per Bangkok day and station (daily rollups), against the standard line. */
export function noisePanel(ctx: BuildContext) {
  const standard = standardInForce(NOISE_STANDARD_ID, ctx.at);
  return withStandardLines(
    timeseries(
      'Noise: Leq 24 h per station',
      `Energy mean of each day's sound levels (Asia/Bangkok days, from the daily rollups; the loudest station of a site). Dashed line: ${describeStandard(standard)}`,
      [influx(noiseLeqPerDay(locationFilter(), 'site', ctx.rollupRetentionPolicy), { alias: '$tag_site' })],
    ),
    limitThresholds(standard.limit),
  ).unit(grafanaUnit(standard.unit));
}

export function airDashboard(ctx: BuildContext): DashboardBuilder {
  const dashboard = baseDashboard({
    uid: 'mueang-air',
    title: 'Mueang — Air quality',
    description: 'Thai AQI now, and every AQI pollutant on its standard averaging window per station against the Thai ambient standard.',
    tags: ['air'],
    from: 'now-7d',
    measurement: readingMeasurement('air'),
  }).withPanel(stationAqiTable(ctx).span(24).height(8));
  for (const pollutant of AQI_POLLUTANTS) dashboard.withPanel(pollutantPanel(ctx, pollutant));
  dashboard.withPanel(noisePanel(ctx));
  return dashboard.withPanel(
    timeseries('PM2.5 readings', 'Mean of the PM2.5 readings per station and Grafana interval (not averaged as the standard is).', [
      influx(meanPerInterval('air', 'pm25', locationFilter(), 'site'), { alias: '$tag_site' }),
    ])
      .unit(grafanaUnit(getParameter('air', 'pm25')?.unit ?? ''))
      .span(24),
  );
}
