import type { Migration } from '../migration.ts';

/**
 * Alerts about the platform itself (domain 'system', e.g. the rule system.disk-space): no device or site, raised for
 * each city the reporting service serves. Only the domain check changes.
 */
export const migration0005SystemAlerts: Migration = {
  id: '0005_system_alerts',
  sql: `
ALTER TABLE alerts DROP CONSTRAINT alerts_domain_known;
ALTER TABLE alerts ADD CONSTRAINT alerts_domain_known CHECK (domain IN ('air', 'water', 'energy', 'waste', 'system'));
`,
};
