/** Alerts and device health: alert timeline and active alerts, silent devices, last seen, dead letters, completeness. */
import { ALERT_SEVERITIES } from '@mueang/core';
import { MappingType, type DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { GraphDrawStyle, TableSortByFieldStateBuilder, VisibilityMode } from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as StateTimelinePanel } from '@grafana/grafana-foundation-sdk/statetimeline';
import { hideColumns, influx, locationFilter, table, timeseries, withSiteNames } from '../panels.ts';
import { DATASOURCE } from '../provisioning.ts';
import { ALERT_STATE } from '../schema.ts';
import { alertStates, alertsRaised, deadLettersByReason, lastSeen, latestDeadLetters } from '../queries.ts';
import { BEYOND_COLOUR, WITHIN_COLOUR } from '../standards.ts';
import { activeAlertsTable, ALERT_FILTER, completenessTable, silentDevicesTable } from './overview.ts';
import { baseDashboard, type BuildContext } from './common.ts';

export const DEAD_LETTER_ROWS = 100;

function alertTimeline() {
  return new StateTimelinePanel()
    .title('Alert timeline')
    .description('Per device and rule: active (raised, escalated, acknowledged) or cleared, from the alert events.')
    .datasource(DATASOURCE)
    .withTarget(influx(alertStates(ALERT_FILTER), { alias: '$tag_device $tag_rule' }))
    .mappings([
      {
        type: MappingType.ValueToText,
        options: { [ALERT_STATE.active]: { text: 'active', color: BEYOND_COLOUR, index: 0 }, [ALERT_STATE.cleared]: { text: 'cleared', color: WITHIN_COLOUR, index: 1 } },
      },
    ])
    .showValue(VisibilityMode.Never)
    .mergeValues(true)
    .span(24)
    .height(10);
}

export function healthDashboard(ctx: BuildContext): DashboardBuilder {
  return baseDashboard({
    uid: 'mueang-health',
    title: 'Mueang — Alerts and device health',
    description: 'Alert timeline and active alerts, devices without data, when each device was last seen, dead letters and data completeness.',
    tags: ['alerts', 'devices'],
    from: 'now-24h',
  })
    .withPanel(alertTimeline())
    .withPanel(activeAlertsTable(ctx))
    .withPanel(
      timeseries('Alerts raised', `Alerts raised per interval by severity (${ALERT_SEVERITIES.join(', ')}).`, [influx(alertsRaised(ALERT_FILTER), { alias: '$tag_severity' })])
        .drawStyle(GraphDrawStyle.Bars)
        .span(12),
    )
    .withPanel(silentDevicesTable(ctx))
    .withPanel(
      withSiteNames(
        hideColumns(table('Last seen', 'When each device last sent a reading (any parameter) within the dashboard range, oldest first. A device silent for the whole range is not listed here: see "Devices without data".', [influx(lastSeen(locationFilter()), { format: 'table' })]), ['lastValue']),
        ctx.sites,
      ).sortBy([new TableSortByFieldStateBuilder().displayName('Time').desc(false)]),
    )
    .withPanel(
      timeseries('Dead letters by reason', 'Readings and messages ingest refused (malformed, unknown device or parameter, implausible value, ...) per interval and reason code. Dead letters are filtered by city only: the device of a refused message may be unknown.', [
        influx(deadLettersByReason(locationFilter(['city'])), { alias: '$tag_reason' }),
      ])
        .drawStyle(GraphDrawStyle.Bars)
        .span(12),
    )
    .withPanel(
      table(`Latest dead letters`, `The last ${DEAD_LETTER_ROWS} dead letters in the range: reason, what was wrong and where (text percent-encoded as stored).`, [
        influx(latestDeadLetters(locationFilter(['city']), DEAD_LETTER_ROWS), { format: 'table' }),
      ]).span(24),
    )
    .withPanel(completenessTable(ctx).span(24));
}
