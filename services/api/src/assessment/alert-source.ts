import type { AlertAckRecord } from '@mueang/core';
import type { StateStore } from '@mueang/storage';

/** Where the acknowledgement-time KPI finds alerts; optional: without one that KPI reports insufficient data. */
export interface AlertAckSource {
  /** alerts of a city raised in [fromMs, toMs) */
  alertsRaised(cityId: string, fromMs: number, toMs: number): Promise<AlertAckRecord[]>;
}

interface AlertRow {
  raised_at: number;
  acknowledged_at: number | null;
}

/**
 * Reads raise and acknowledgement times from the alerts table of the StateStore (migration 0002_alerts, written by
 * the alerts service). Only those two columns are read: nothing personal (recipients, notes) leaves the table.
 * Alerts about the platform itself (domain 'system', e.g. its disk space) are the operator's, not the city's
 * monitoring, and are left out.
 */
export function stateAlertSource(state: StateStore): AlertAckSource {
  return {
    async alertsRaised(cityId, fromMs, toMs) {
      const rows = await state.driver.query<AlertRow>(
        "SELECT raised_at, acknowledged_at FROM alerts WHERE city_id = $1 AND domain <> 'system' AND raised_at >= $2 AND raised_at < $3 ORDER BY raised_at, id",
        [cityId, new Date(fromMs).toISOString(), new Date(toMs).toISOString()],
      );
      return rows.map((r) => ({ raisedAt: r.raised_at, acknowledgedAt: r.acknowledged_at }));
    },
  };
}
