/** The city / site / device template variables, narrowing each other, from the tag values in InfluxDB. */
import { QueryVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { matchesVariable, showTagValues, TEMPLATE_VARIABLES, type TemplateVariable } from './influxql.ts';
import { DATASOURCE } from './provisioning.ts';

const LABELS: Record<TemplateVariable, string> = { city: 'City / เมือง', site: 'Site / สถานี', device: 'Device / อุปกรณ์' };

/** The query of one variable: its tag's values, within the variables before it. */
export function variableQuery(variable: TemplateVariable, measurement?: string): string {
  const before = TEMPLATE_VARIABLES.slice(0, TEMPLATE_VARIABLES.indexOf(variable));
  return showTagValues(variable, { ...(measurement ? { measurement } : {}), where: before.map((v) => matchesVariable(v, v)) });
}

/**
 * city, site, device: several may be chosen, All by default. `measurement` limits the values to one domain's
 * readings (air stations on the air dashboard); without it every measurement counts (overview, device health).
 */
export function locationVariables(measurement?: string): QueryVariableBuilder[] {
  return TEMPLATE_VARIABLES.map((variable) => {
    const query = variableQuery(variable, measurement);
    return new QueryVariableBuilder(variable)
      .label(LABELS[variable])
      .datasource(DATASOURCE)
      .query(query)
      .definition(query)
      .multi(true)
      .includeAll(true)
      // All matches every value, and also points without the tag (device-less alerts)
      .allValue('.*')
      .current({ selected: true, text: ['All'], value: ['$__all'] })
      .refresh(VariableRefresh.OnDashboardLoad)
      .sort(VariableSort.AlphabeticalAsc);
  });
}
