import { DashboardBuilder, DashboardCursorSync, DashboardLinkBuilder, DashboardLinkType } from '@grafana/grafana-foundation-sdk/dashboard';
import type { SiteRecord } from '../sites.ts';
import { locationVariables } from '../variables.ts';

/** What every dashboard is built from. */
export interface BuildContext {
  /** the build date (epoch ms): picks the standards editions and AQI table in force */
  at: number;
  /** the site registry export: names, coordinates, surface-water classes */
  sites: SiteRecord[];
  /** InfluxDB retention policy of the rollups, as INFLUX_ROLLUP_RETENTION_POLICY (unset: the database's default) */
  rollupRetentionPolicy?: string;
}

export const DASHBOARD_TAG = 'mueang';

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  /** default time range, e.g. now-24h */
  from: string;
  /** limits the city/site/device choices to one domain's readings */
  measurement?: string;
}

/** A dashboard with the shared settings: Asia/Bangkok time, the location variables, links to the other dashboards. */
export function baseDashboard(spec: DashboardSpec): DashboardBuilder {
  return new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([DASHBOARD_TAG, ...spec.tags])
    .timezone('Asia/Bangkok')
    .time({ from: spec.from, to: 'now' })
    .refresh('1m')
    .tooltip(DashboardCursorSync.Crosshair)
    .readonly()
    .variables(locationVariables(spec.measurement))
    .link(new DashboardLinkBuilder('Mueang dashboards').type(DashboardLinkType.Dashboards).tags([DASHBOARD_TAG]).asDropdown(true).includeVars(true).keepTime(true));
}
