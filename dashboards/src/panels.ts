/** Panel building blocks shared by the dashboards: targets, filters, standard lines, tables and stats. */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { ReduceDataOptionsBuilder, TableCellDisplayMode, GraphThresholdsStyleMode, GraphThresholdsStyleConfigBuilder, BigValueColorMode } from '@grafana/grafana-foundation-sdk/common';
import { FieldColorBuilder, FieldColorModeId, MappingType, type ThresholdsConfigBuilder, type ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { InfluxQLTargetBuilder, matchesVariable, TEMPLATE_VARIABLES, type InfluxQLTargetOptions, type TemplateVariable } from './influxql.ts';
import { DATASOURCE } from './provisioning.ts';
import type { SiteRecord } from './sites.ts';

/** `"city" =~ /^$city$/ AND ...` for the tags a measurement carries */
export function locationFilter(tags: readonly TemplateVariable[] = TEMPLATE_VARIABLES): string[] {
  return tags.map((tag) => matchesVariable(tag, tag));
}

export function influx(query: string, options: InfluxQLTargetOptions = {}): InfluxQLTargetBuilder {
  return new InfluxQLTargetBuilder(DATASOURCE, query, options);
}

/** A time series panel, one series per tag value (legend `$tag_<tag>`). */
export function timeseries(title: string, description: string, targets: cog.Builder<cog.Dataquery>[]): TimeseriesPanel {
  return new TimeseriesPanel()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .targets(targets)
    .colorScheme(new FieldColorBuilder().mode(FieldColorModeId.PaletteClassic))
    .lineWidth(1)
    .fillOpacity(0)
    .spanNulls(false)
    .span(12)
    .height(8);
}

/** Draws the thresholds as lines on the chart (the standard), series keep their own colours. */
export function withStandardLines(panel: TimeseriesPanel, steps: ThresholdsConfigBuilder): TimeseriesPanel {
  return panel.thresholds(steps).thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed));
}

export function stat(title: string, description: string, target: cog.Builder<cog.Dataquery>): StatPanel {
  return new StatPanel()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .withTarget(target)
    .colorScheme(new FieldColorBuilder().mode(FieldColorModeId.Thresholds))
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .colorMode(BigValueColorMode.Background)
    .span(6)
    .height(4);
}

export function table(title: string, description: string, targets: cog.Builder<cog.Dataquery>[]): TablePanel {
  return new TablePanel()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .targets(targets)
    .colorScheme(new FieldColorBuilder().mode(FieldColorModeId.Thresholds))
    .span(12)
    .height(8);
}

/** Colour a table column's cells by the panel thresholds. */
export function colouredColumn(panel: TablePanel, column: string): TablePanel {
  return panel.overrideByName(column, [{ id: 'custom.cellOptions', value: { type: TableCellDisplayMode.ColorBackground } }]);
}

/** Show site names instead of ids in a column (names from the registry export the dashboards were built with). */
export function siteNameMapping(sites: readonly SiteRecord[]): ValueMapping[] {
  if (sites.length === 0) return [];
  const options: Record<string, { text: string }> = {};
  for (const s of [...sites].sort((a, b) => a.id.localeCompare(b.id))) options[s.id] = { text: `${s.name} (${s.id})` };
  return [{ type: MappingType.ValueToText, options }];
}

export function withSiteNames(panel: TablePanel, sites: readonly SiteRecord[], column = 'site'): TablePanel {
  const mappings = siteNameMapping(sites);
  return mappings.length === 0 ? panel : panel.overrideByName(column, [{ id: 'mappings', value: mappings }]);
}

/** Hide columns (e.g. the placeholder value of a "last seen" query) with Grafana's organize transformation. */
export function hideColumns(panel: TablePanel, columns: string[]): TablePanel {
  return panel.withTransformation({ id: 'organize', options: { excludeByName: Object.fromEntries(columns.map((c) => [c, true])) } });
}

