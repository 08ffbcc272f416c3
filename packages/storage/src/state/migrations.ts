import type { Migration } from './migration.ts';
import { migration0001Registry } from './migrations/0001_registry.ts';
import { migration0002Alerts } from './migrations/0002_alerts.ts';
import { migration0003Kpi } from './migrations/0003_kpi.ts';
import { migration0004Audit } from './migrations/0004_audit.ts';
import { migration0005SystemAlerts } from './migrations/0005_system_alerts.ts';

/**
 * The StateStore schema, in order. To change the schema, add a file `migrations/NNNN_name.ts`
 * exporting a Migration and append it here; never edit a migration that has shipped
 * (migrate() refuses a database whose applied migrations differ from these).
 */
export const MIGRATIONS: readonly Migration[] = [migration0001Registry, migration0002Alerts, migration0003Kpi, migration0004Audit, migration0005SystemAlerts];
