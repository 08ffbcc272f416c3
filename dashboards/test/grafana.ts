/**
 * What Grafana does to a raw InfluxQL target before sending it (public/app/plugins/datasource/influxdb): the time
 * macros, and template variables formatted for a regex (`/^$city$/`): one value as is, several as `(a|b)` with regex
 * characters escaped, All as the variable's allValue.
 */
import type { Dashboard, Panel, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';

export interface InterpolationInput {
  /** what `$timeFilter` becomes, e.g. `time > now() - 7d` */
  timeFilter: string;
  /** what `$__interval` becomes, e.g. `10m` */
  interval: string;
  /** variable name -> chosen values, or 'all' */
  variables: Record<string, string[] | 'all'>;
  /** variable name -> its allValue */
  allValues: Record<string, string>;
}

function escapeRegex(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');
}

export function formatVariable(values: string[] | 'all', allValue: string): string {
  if (values === 'all') return allValue;
  if (values.length === 0) throw new Error('a variable needs at least one value');
  const escaped = values.map(escapeRegex);
  return escaped.length === 1 ? (escaped[0] as string) : `(${escaped.join('|')})`;
}

export function interpolate(query: string, input: InterpolationInput): string {
  let text = query.replaceAll('$timeFilter', input.timeFilter).replaceAll('$__interval', input.interval);
  // longest names first so that $site never eats part of $sites
  for (const name of Object.keys(input.variables).sort((a, b) => b.length - a.length)) {
    const values = input.variables[name] as string[] | 'all';
    text = text.replaceAll(`$${name}`, formatVariable(values, input.allValues[name] ?? '.*'));
  }
  return text;
}

/** `$name` or `${name}` left after interpolation: a misspelt variable or macro. */
export function leftoverVariables(query: string): string[] {
  return [...query.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] as string);
}

/** `now-7d` -> `time > now() - 7d`, the default range of a dashboard as a WHERE condition. */
export function timeFilterOf(dashboard: Dashboard): string {
  const from = dashboard.time?.from ?? 'now-6h';
  const match = /^now-(\d+[smhdw])$/.exec(from);
  if (!match) throw new Error(`dashboard ${dashboard.uid}: time.from ${from} is not now-<duration>`);
  return `time > now() - ${match[1]}`;
}

export interface TargetRef {
  dashboard: string;
  panel: string;
  refId: string;
  query: string;
  format: string;
}

export function panelsOf(dashboard: Dashboard): Panel[] {
  return (dashboard.panels ?? []).flatMap((p) => ('panels' in p && Array.isArray(p.panels) ? (p.panels as Panel[]) : [p as Panel]));
}

export function targetsOf(dashboard: Dashboard): TargetRef[] {
  return panelsOf(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((t) => {
      const target = t as unknown as { refId: string; query: string; resultFormat: string };
      return { dashboard: dashboard.uid ?? '', panel: panel.title ?? '', refId: target.refId, query: target.query, format: target.resultFormat };
    }),
  );
}

export function variablesOf(dashboard: Dashboard): VariableModel[] {
  return dashboard.templating?.list ?? [];
}
