import type { DecodedReading } from '@mueang/core';
import type { Device, StateStore } from '@mueang/storage';
import type { AlertNotification } from '../src/notify/types.ts';
import type { NotificationSink } from '../src/publisher.ts';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** a dispatcher stand-in that keeps what it is handed (the real one is in the end-to-end test) */
export class CapturingSink implements NotificationSink {
  readonly notifications: AlertNotification[] = [];

  dispatch(notification: AlertNotification): { ok: true } {
    this.notifications.push(notification);
    return { ok: true };
  }

  of(alertId: string): string[] {
    return this.notifications.filter((n) => n.alertId === alertId).map((n) => n.transition);
  }
}

/** a clock the test moves */
export class FakeClock {
  constructor(public now: number) {}

  readonly read = (): number => this.now;

  advance(ms: number): number {
    this.now += ms;
    return this.now;
  }
}

export function reading(ts: number, values: Record<string, number>): DecodedReading {
  return { ts, values, serverTime: false };
}

let counter = 0;

/** a registered device of its own for each test (alerts dedup per device and rule) */
export async function registerDevice(state: StateStore, domain: Device['domain'], name = `Station ${counter + 1}`): Promise<Device> {
  counter += 1;
  await state.upsertCity({ id: 'cnx', name: 'Chiang Mai', nameTh: 'เชียงใหม่' });
  await state.upsertSite({ id: 'cnx-nimman', cityId: 'cnx', name: 'Nimmanhaemin', nameTh: 'นิมมานเหมินท์' });
  return state.upsertDevice({ id: `cnx-${domain}-${counter}-${Math.random().toString(36).slice(2, 6)}`, cityId: 'cnx', siteId: 'cnx-nimman', domain, kind: 'test', name });
}
