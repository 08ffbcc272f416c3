import { bangkokDateStart, DAY_MS, DOMAINS, HOUR_MS, type Domain } from '@mueang/core';
import { readFileSync } from 'node:fs';
import { builtinCity, BUILTIN_CITIES } from './cities.ts';
import { SimInputError, show } from './errors.ts';
import { parseFaultList, type FaultSpec } from './faults.ts';
import { buildFleet, DEMO_FLEET_SPEC, withCredentials, type FleetSpec } from './fleet.ts';
import type { HazeEpisode } from './patterns/episode.ts';
import type { Fleet } from './types.ts';

/** Turning CLI flag values into validated options; every mistake names the flag and what to give. */

export type Flags = Record<string, string | boolean | undefined>;

export function str(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function num(flags: Flags, name: string, rule: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  const text = str(flags, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  const bounds = `${rule.min !== undefined ? ` of at least ${rule.min}` : ''}${rule.max !== undefined ? ` and at most ${rule.max}` : ''}`;
  if (text.trim() === '' || !Number.isFinite(n) || (rule.integer && !Number.isInteger(n)) || (rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max)) {
    throw new SimInputError(`--${name}`, `expected ${rule.integer ? 'a whole number' : 'a number'}${bounds}, got ${show(text)}`);
  }
  return n;
}

/** ISO 8601 (2025-03-10T08:00:00+07:00), a Bangkok date (2025-03-10), or 'now' */
export function time(flags: Flags, name: string): number | undefined {
  const text = str(flags, name);
  if (text === undefined) return undefined;
  if (text === 'now') return Date.now();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    try {
      return bangkokDateStart(text);
    } catch {
      // falls through to the error below
    }
  }
  const ms = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(ms)) return ms;
  throw new SimInputError(`--${name}`, `expected a date (2025-03-10, Asia/Bangkok), a date-time with offset (2025-03-10T08:00+07:00) or 'now', got ${show(text)}`);
}

interface CredentialsFile {
  spec?: { cities?: string[]; perDomain?: Partial<Record<Domain, number>>; seed?: number };
  devices: Array<{ deviceId: string; secret: string }>;
}

export function readCredentials(path: string): CredentialsFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SimInputError('--credentials', `cannot read ${path}: ${(err as Error).message}; give the file written by "provision --out"`);
  }
  const file = parsed as Partial<CredentialsFile> | null;
  if (!file || !Array.isArray(file.devices) || file.devices.some((d) => typeof d?.deviceId !== 'string' || typeof d?.secret !== 'string')) {
    throw new SimInputError('--credentials', `${path} is not a provisioning output: expected { "devices": [{ "deviceId", "secret" }, ...] }`);
  }
  return file as CredentialsFile;
}

/**
 * The fleet the flags describe: built-in cities (--city cnx,kkn), devices per domain and city
 * (--air, --water, --energy, --waste), --seed. With --credentials the file's spec is the default
 * and its secrets replace the seeded ones.
 */
export function fleetFromFlags(flags: Flags, options: { randomSecrets?: boolean } = {}): { fleet: Fleet; spec: FleetSpec } {
  const credentialsPath = str(flags, 'credentials');
  const file = credentialsPath !== undefined ? readCredentials(credentialsPath) : undefined;
  const cityIds = (str(flags, 'city')?.split(',').map((c) => c.trim()).filter(Boolean) ?? file?.spec?.cities ?? DEMO_FLEET_SPEC.cities.map((c) => c.id)) as string[];
  const cities = cityIds.map((id) => {
    const city = builtinCity(id);
    if (!city) throw new SimInputError('--city', `${show(id)} is not a built-in city; use ${BUILTIN_CITIES.map((c) => `${c.id} (${c.name})`).join(', ')}`);
    return city;
  });
  const perDomain = {} as Record<Domain, number>;
  for (const domain of DOMAINS) {
    perDomain[domain] = num(flags, domain, { min: 0, max: 999, integer: true }) ?? file?.spec?.perDomain?.[domain] ?? DEMO_FLEET_SPEC.perDomain[domain];
  }
  const spec: FleetSpec = {
    cities,
    perDomain,
    seed: num(flags, 'seed', { integer: true }) ?? file?.spec?.seed ?? DEMO_FLEET_SPEC.seed,
    secrets: options.randomSecrets ? 'random' : 'seeded',
  };
  const fleet = buildFleet(spec);
  return { fleet: file ? withCredentials(fleet, file.devices) : fleet, spec };
}

export function faultsFromFlags(flags: Flags): FaultSpec[] {
  const text = str(flags, 'faults');
  return text === undefined ? [] : parseFaultList(text);
}

/** --haze (starts now) or --haze-start, with --haze-hours (default 12) and --haze-peak (default 150 µg/m³) */
export function hazeFromFlags(flags: Flags, defaultStart: number): HazeEpisode[] {
  const start = time(flags, 'haze-start');
  if (!flags.haze && start === undefined) {
    for (const name of ['haze-hours', 'haze-peak', 'haze-city']) {
      if (flags[name] !== undefined) throw new SimInputError(`--${name}`, 'only applies with --haze or --haze-start');
    }
    return [];
  }
  const hours = num(flags, 'haze-hours', { min: 0.1, max: 24 * 14 }) ?? 12;
  const peak = num(flags, 'haze-peak', { min: 1, max: 500 }) ?? 150;
  const city = str(flags, 'haze-city');
  return [{ kind: 'haze', startMs: start ?? defaultStart, durationMs: hours * HOUR_MS, peak, ...(city ? { cityId: city } : {}) }];
}

/** --from/--to, or --days back from now (default 7) */
export function backfillRange(flags: Flags): { from: number; to: number } {
  const to = time(flags, 'to') ?? Date.now();
  const fromFlag = time(flags, 'from');
  const days = num(flags, 'days', { min: 0.01, max: 3660 });
  if (fromFlag !== undefined && days !== undefined) throw new SimInputError('--days', 'give either --days or --from, not both');
  const from = fromFlag ?? to - (days ?? 7) * DAY_MS;
  if (from >= to) throw new SimInputError('--from', 'must be before --to');
  return { from, to };
}
