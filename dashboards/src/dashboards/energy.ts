/** Energy: demand, daily consumption against its baseline, solar share (the Smart Energy KPIs' definitions). */
import { getParameter } from '@mueang/core';
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { BigValueColorMode, GraphDrawStyle } from '@grafana/grafana-foundation-sdk/common';
import { influx, locationFilter, stat, timeseries } from '../panels.ts';
import { consumptionBaseline, dailyConsumption, meanPerInterval, peakDemand, solarShare, totalDemand } from '../queries.ts';
import { readingMeasurement } from '../schema.ts';
import { grafanaUnit } from '../units.ts';
import { baseDashboard, type BuildContext } from './common.ts';

/** days in the moving baseline */
export const BASELINE_DAYS = 7;

const KW = grafanaUnit(getParameter('energy', 'activePower')?.unit ?? 'kW');
const KWH = grafanaUnit('kWh');

export function energyDashboard(ctx: BuildContext): DashboardBuilder {
  const where = locationFilter();
  const rp = ctx.rollupRetentionPolicy;
  return baseDashboard({
    uid: 'mueang-energy',
    title: 'Mueang — Energy',
    description: 'Demand, daily consumption against its recent baseline, and the solar share of consumption of the municipal meters.',
    tags: ['energy'],
    from: 'now-30d',
    measurement: readingMeasurement('energy'),
  })
    .withPanel(stat('Peak demand in range', 'Highest total demand of the selected meters (sum of the meters\' mean power per interval).', influx(peakDemand(where), { format: 'table' })).unit(KW).colorMode(BigValueColorMode.None))
    .withPanel(stat('Solar share in range', 'Solar generation as a share of consumption over the range, from the daily rollups (solar kWh / consumed kWh, as the renewable-share KPI).', influx(solarShare(where, false, rp), { format: 'table' })).unit('percent').decimals(1).colorMode(BigValueColorMode.None))
    .withPanel(
      timeseries('Total demand', 'Sum over the selected meters of each meter\'s mean active power per interval.', [influx(totalDemand(where), { alias: 'total demand' })])
        .unit(KW)
        .span(12),
    )
    .withPanel(
      timeseries(
        'Daily consumption against baseline',
        `Consumption per Asia/Bangkok day (day mean of active power × 24 h from the daily rollups, as the Smart Energy KPIs compute kWh) and the baseline: the moving mean of the last ${BASELINE_DAYS} daily totals. A city reference (the KPI input energyBaselineKwhPerDay) is set in the assessment API, not here.`,
        [influx(dailyConsumption(where, rp), { refId: 'A', alias: 'consumption' }), influx(consumptionBaseline(where, BASELINE_DAYS, rp), { refId: 'B', alias: `baseline (${BASELINE_DAYS}-day mean)` })],
      )
        .unit(KWH)
        .drawStyle(GraphDrawStyle.Bars)
        .overrideByName(`baseline (${BASELINE_DAYS}-day mean)`, [{ id: 'custom.drawStyle', value: 'line' }])
        .span(12),
    )
    .withPanel(
      timeseries('Demand per site', 'Mean active power per site and interval.', [influx(meanPerInterval('energy', 'activePower', where, 'site'), { alias: '$tag_site' })])
        .unit(KW)
        .span(12),
    )
    .withPanel(
      timeseries('Solar share per day', 'Solar generation as a share of consumption per Asia/Bangkok day (daily rollups).', [influx(solarShare(where, true, rp), { alias: 'solar share' })])
        .unit('percent')
        .drawStyle(GraphDrawStyle.Bars)
        .span(12),
    );
}
