/** Shared test data: a PM2.5 alert in Chiang Mai, named after the standard edition the core data holds. */
import { getStandard } from '@mueang/core';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type { AlertNotification } from '../../src/notify/types.ts';

const PM25_24H = getStandard('th-aaqs-pm25-24h', '2026-11-04');
if (!PM25_24H || PM25_24H.limit.max === undefined) throw new Error('core standards data has no PM2.5 24 h edition for 2026');

/** 2026-11-04 10:00 ICT */
export const RAISED_AT = Date.UTC(2026, 10, 4, 3, 0);

export function pm25Notification(overrides: Partial<AlertNotification> = {}): AlertNotification {
  const standard = PM25_24H as NonNullable<typeof PM25_24H>;
  return {
    alertId: 'cnx-air-001.air-pm25-24h',
    transition: 'raised',
    severity: 'major',
    ruleId: 'air.pm25.24h',
    ruleName: { en: 'PM2.5 24-hour mean above the standard', th: 'PM2.5 เฉลี่ย 24 ชั่วโมงเกินมาตรฐาน' },
    city: { id: 'cnx', name: 'Chiang Mai', nameTh: 'เชียงใหม่' },
    site: { id: 'cnx-changphueak', name: 'Chang Phueak', nameTh: 'ช้างเผือก' },
    device: { id: 'cnx-air-001', name: 'PM sensor 1' },
    domain: 'air',
    parameter: 'pm25',
    value: 62.44,
    unit: standard.unit,
    standard: { id: standard.id, version: standard.version, limit: standard.limit.max as number, averaging: '24h', source: 'PCD notification (test)' },
    at: RAISED_AT,
    windowFrom: RAISED_AT - 24 * 3_600_000,
    windowTo: RAISED_AT,
    escalationLevel: 0,
    consoleUrl: 'http://127.0.0.1:8080/console/alerts/cnx-air-001.air-pm25-24h',
    ...overrides,
  };
}

/** a pino logger whose JSON lines are kept, to check what reaches the logs */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

/** resolve when `check` is true, polling; fails the test after `timeoutMs` */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
