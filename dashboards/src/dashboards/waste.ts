/** Waste: fill levels, bins needing collection, overflow, with the levels of the default alert rules. */
import { type ThresholdCondition } from '@mueang/core';
import { GraphDrawStyle } from '@grafana/grafana-foundation-sdk/common';
import { ThresholdsConfigBuilder, ThresholdsMode, type DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { durationOf } from '../aqi-query.ts';
import { influx, locationFilter, stat, table, timeseries, withSiteNames, withStandardLines, colouredColumn } from '../panels.ts';
import { binsAtLevel, countBinsAtLevel, meanPerInterval, overflowBinDays } from '../queries.ts';
import { readingMeasurement } from '../schema.ts';
import { influxOperator, limitThresholds, ruleThreshold, BEYOND_COLOUR, NEAR_COLOUR, WITHIN_COLOUR } from '../standards.ts';
import { baseDashboard, type BuildContext } from './common.ts';

/** "needs collection": the rule waste.fill.high; "overflow": the rule waste.overflow */
export function wasteLevels(): { collect: ThresholdCondition; overflow: ThresholdCondition } {
  return { collect: ruleThreshold('waste.fill.high', 'fill'), overflow: ruleThreshold('waste.overflow', 'full') };
}

/** green below the collection level, amber from it, red from the overflow level */
export function fillThresholds(): ThresholdsConfigBuilder {
  const { collect, overflow } = wasteLevels();
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
    { value: null, color: WITHIN_COLOUR },
    { value: collect.value, color: NEAR_COLOUR },
    { value: overflow.value, color: BEYOND_COLOUR },
  ]);
}

export function wasteDashboard(ctx: BuildContext): DashboardBuilder {
  const where = locationFilter();
  const { collect, overflow } = wasteLevels();
  const collectOp = influxOperator(collect.op) as '>' | '>=';
  const overflowOp = influxOperator(overflow.op) as '>' | '>=';
  const maxAge = durationOf(collect.maxSampleAgeMs);
  const collectText = `latest fill level ${collectOp} ${collect.value} % (rule waste.fill.high), reading at most ${maxAge} old`;
  return baseDashboard({
    uid: 'mueang-waste',
    title: 'Mueang — Waste',
    description: 'Fill levels of the smart bins, the bins needing collection and overflow, at the levels of the default alert rules.',
    tags: ['waste'],
    from: 'now-7d',
    measurement: readingMeasurement('waste'),
  })
    .withPanel(stat('Bins needing collection now', `Bins whose ${collectText}.`, influx(countBinsAtLevel(where, collectOp, collect.value, maxAge), { format: 'table' })).thresholds(limitThresholds({ max: 1 })).noValue('0'))
    .withPanel(
      stat('Bins overflowing now', `Bins whose latest fill level ${overflowOp} ${overflow.value} % (rule waste.overflow), reading at most ${durationOf(overflow.maxSampleAgeMs)} old.`, influx(countBinsAtLevel(where, overflowOp, overflow.value, durationOf(overflow.maxSampleAgeMs)), { format: 'table' }))
        .thresholds(limitThresholds({ max: 1 }))
        .noValue('0'),
    )
    .withPanel(
      withSiteNames(colouredColumn(table('Bins needing collection', `Each bin whose ${collectText}, with its level.`, [influx(binsAtLevel(where, collectOp, collect.value, maxAge), { format: 'table' })]).thresholds(fillThresholds()).unit('percent'), 'fill'), ctx.sites).span(12),
    )
    .withPanel(
      withStandardLines(
        timeseries('Fill level per bin', `Mean fill level per bin and interval. Dashed lines: collection level ${collect.value} % (waste.fill.high) and overflow level ${overflow.value} % (waste.overflow).`, [
          influx(meanPerInterval('waste', 'fillingLevel', where, 'device'), { alias: '$tag_device' }),
        ]),
        fillThresholds(),
      )
        .unit('percent')
        .span(24),
    )
    .withPanel(
      timeseries('Overflow events: bins overflowing per day', `Bins whose daily maximum fill level ${overflowOp} ${overflow.value} % per Asia/Bangkok day (daily rollups): the overflow events of the waste KPIs counted as bin-days.`, [
        influx(overflowBinDays(where, overflowOp, overflow.value, ctx.rollupRetentionPolicy), { alias: 'bins overflowing' }),
      ])
        .drawStyle(GraphDrawStyle.Bars)
        .span(24),
    );
}
