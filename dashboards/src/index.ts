/** Grafana dashboards as code: build them (JSON), the provisioning files and the site gazetteer. */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { airDashboard } from './dashboards/air.ts';
import type { BuildContext } from './dashboards/common.ts';
import { energyDashboard } from './dashboards/energy.ts';
import { healthDashboard } from './dashboards/health.ts';
import { overviewDashboard } from './dashboards/overview.ts';
import { wasteDashboard } from './dashboards/waste.ts';
import { waterDashboard } from './dashboards/water.ts';
import { dashboardProvisioning, datasourceProvisioning } from './provisioning.ts';
import { gazetteer } from './sites.ts';

export type { BuildContext } from './dashboards/common.ts';
export * from './influxql.ts';
export * from './provisioning.ts';
export * from './sites.ts';
export { stationAqiQuery } from './aqi-query.ts';

export const DASHBOARD_BUILDERS = [overviewDashboard, airDashboard, waterDashboard, energyDashboard, wasteDashboard, healthDashboard] as const;

/** Every dashboard, built. */
export function buildDashboards(ctx: BuildContext): Dashboard[] {
  return DASHBOARD_BUILDERS.map((build) => build(ctx).build());
}

export interface BuildOutput {
  /** file path relative to the output directory -> content */
  files: Map<string, string>;
  dashboards: Dashboard[];
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The files Grafana is provisioned from: provisioning/..., dashboards/<uid>.json, gazetteer/sites.json. */
export function buildOutput(ctx: BuildContext): BuildOutput {
  const dashboards = buildDashboards(ctx);
  const files = new Map<string, string>();
  files.set('provisioning/datasources/influxdb.yaml', datasourceProvisioning());
  files.set('provisioning/dashboards/mueang.yaml', dashboardProvisioning());
  for (const d of dashboards) files.set(`dashboards/${d.uid}.json`, json(d));
  files.set('gazetteer/sites.json', json(gazetteer(ctx.sites)));
  return { files, dashboards };
}
