import type { Domain } from '@mueang/core';

/**
 * How often a device is expected to report, for data completeness and the AQI's 75 % rule.
 *
 * Rule (documented in the README): the device's kind decides (table below); a kind not in the
 * table falls back to its domain's default; a request may override it with
 * `expectedIntervalS`. Values are the usual cadence of such field devices: continuous air
 * stations and smart meters report every minute, water sondes and bin sensors every 15
 * minutes. Reporting faster never counts above 100 % (completeness counts interval slots that
 * hold at least one reading, not readings).
 */
export const EXPECTED_INTERVAL_BY_KIND: Readonly<Record<string, number>> = {
  'aq-station': 60_000,
  'smart-meter': 60_000,
  sonde: 900_000,
  'bin-sensor': 900_000,
};

export const EXPECTED_INTERVAL_BY_DOMAIN: Readonly<Record<Domain, number>> = {
  air: 60_000,
  energy: 60_000,
  water: 900_000,
  waste: 900_000,
};

export function expectedIntervalMs(device: { kind: string; domain: Domain }): number {
  return EXPECTED_INTERVAL_BY_KIND[device.kind] ?? EXPECTED_INTERVAL_BY_DOMAIN[device.domain];
}
