/** Water quality: DO, BOD, pH and turbidity of the sites of each surface-water class against that class's limits. */
import { getParameter } from '@mueang/core';
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { ident, oneOfRegex } from '../influxql.ts';
import { influx, locationFilter, timeseries, withStandardLines } from '../panels.ts';
import { meanPerInterval } from '../queries.ts';
import { readingMeasurement } from '../schema.ts';
import { waterSitesByClass } from '../sites.ts';
import { describeStandard, limitThresholds, surfaceWaterStandard } from '../standards.ts';
import { grafanaUnit } from '../units.ts';
import { baseDashboard, type BuildContext } from './common.ts';

/** the parameters shown per class, in panel order */
export const CLASS_PARAMETERS = ['dissolvedOxygen', 'bod', 'pH', 'turbidity'] as const;

function label(parameter: string): string {
  return getParameter('water', parameter)?.label.en ?? parameter;
}

/**
 * One parameter of the sites of one class, with that class's limit drawn when the standards data has one
 * (`waterClass` null: the registry export assigns no class, so every site and no line).
 */
export function classPanel(ctx: BuildContext, waterClass: number | null, siteIds: readonly string[] | null, parameter: string) {
  const standard = waterClass === null ? undefined : surfaceWaterStandard(parameter, waterClass, ctx.at);
  const where = siteIds ? [...locationFilter(), `${ident('site')} =~ ${oneOfRegex(siteIds)}`] : locationFilter();
  const who = waterClass === null ? 'All sites (the registry export assigns no surface-water class).' : `Sites assigned surface-water class ${waterClass}: ${siteIds?.join(', ')}.`;
  const judged = standard
    ? `Dashed lines: ${describeStandard(standard)}. The standard judges ${standard.statistic === 'percentile' ? `the ${standard.percentile}th percentile of the samples of a year` : 'each sample'}; the readings here are indicative.`
    : `The standards data has no surface-water limit for ${label(parameter)}${waterClass === null ? '' : ` in class ${waterClass}`}, so no line is drawn.`;
  const panel = timeseries(`${waterClass === null ? '' : `Class ${waterClass} — `}${label(parameter)}`, `${who} ${judged}`, [
    influx(meanPerInterval('water', parameter, where, 'site'), { alias: '$tag_site' }),
  ])
    .unit(grafanaUnit(getParameter('water', parameter)?.unit ?? ''))
    .span(6);
  return standard ? withStandardLines(panel, limitThresholds(standard.limit)) : panel;
}

export function waterDashboard(ctx: BuildContext): DashboardBuilder {
  const dashboard = baseDashboard({
    uid: 'mueang-water',
    title: 'Mueang — Water quality',
    description: 'Dissolved oxygen, BOD, pH and turbidity of the sites of each surface-water class against its limits (NEB Notification No. 8).',
    tags: ['water'],
    from: 'now-7d',
    measurement: readingMeasurement('water'),
  });
  const groups: Array<[number | null, string[] | null]> = [...waterSitesByClass(ctx.sites)];
  if (groups.length === 0) groups.push([null, null]);
  for (const [waterClass, siteIds] of groups) {
    for (const parameter of CLASS_PARAMETERS) dashboard.withPanel(classPanel(ctx, waterClass, siteIds, parameter));
  }
  return dashboard;
}
