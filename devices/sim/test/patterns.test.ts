import { bangkokDateStart, getParameter, HOUR_MS, MINUTE_MS, DAY_MS, parametersOf } from '@mueang/core';
import { describe, expect, it } from 'vitest';
import {
  buildFleet,
  BUILTIN_CITIES,
  CHIANG_MAI,
  DEMO_FLEET_SPEC,
  deviceValues,
  energyModel,
  fillLevel,
  lastCollection,
  newPatternState,
  NONTHABURI,
  PHUKET,
  Rng,
  sunElevationDeg,
  type EnergyProfile,
  type Episode,
  type Fleet,
  type SimDevice,
} from '../src/index.ts';

const fleet = buildFleet(DEMO_FLEET_SPEC);
const ofDomain = (f: Fleet, domain: SimDevice['domain']) => f.devices.filter((d) => d.domain === domain);

function series(device: SimDevice, from: number, to: number, stepMs: number, seed = 1, episodes?: Episode[]) {
  const state = newPatternState();
  const rng = new Rng(seed);
  const out: Array<{ ts: number; values: Record<string, number> }> = [];
  for (let ts = from; ts < to; ts += stepMs) out.push({ ts, values: deviceValues(device, ts, state, rng, episodes) });
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('patterns', () => {
  it('are deterministic for a seed, and differ with another seed', () => {
    const from = bangkokDateStart('2025-03-01');
    for (const device of fleet.devices.filter((_, i) => i % 5 === 0)) {
      const a = series(device, from, from + DAY_MS, 15 * MINUTE_MS, 42);
      const b = series(device, from, from + DAY_MS, 15 * MINUTE_MS, 42);
      const c = series(device, from, from + DAY_MS, 15 * MINUTE_MS, 43);
      expect(b).toEqual(a);
      expect(c).not.toEqual(a);
    }
  });

  it('give the north far more PM2.5 in the haze season (Feb-Apr) than in the monsoon', () => {
    const pm25 = (date: string, days: number) =>
      ofDomain(fleet, 'air').flatMap((d) => series(d, bangkokDateStart(date), bangkokDateStart(date) + days * DAY_MS, HOUR_MS).map((r) => r.values.pm25!));
    const haze = mean(pm25('2025-03-01', 14));
    const monsoon = mean(pm25('2025-08-01', 14));
    expect(haze).toBeGreaterThan(37.5);
    expect(monsoon).toBeLessThan(25);
    expect(haze).toBeGreaterThan(3 * monsoon);
  });

  it('keep PM2.5 higher in the north than in the south during the haze season', () => {
    const multi = buildFleet({ cities: [CHIANG_MAI, PHUKET], perDomain: { air: 3, water: 0, energy: 0, waste: 0 }, seed: 1 });
    const from = bangkokDateStart('2025-03-05');
    const avg = (city: string) => mean(multi.devices.filter((d) => d.cityId === city).flatMap((d) => series(d, from, from + 7 * DAY_MS, HOUR_MS).map((r) => r.values.pm25!)));
    expect(avg('cnx')).toBeGreaterThan(2 * avg('hkt'));
  });

  it('have traffic peaks: PM2.5 and NO2 higher at 08:00 and 20:00 than at 14:00, O3 the other way round', () => {
    const devices = ofDomain(fleet, 'air');
    const at = (hour: number, param: string) =>
      mean(
        devices.flatMap((d) =>
          Array.from({ length: 20 }, (_, day) => deviceValues(d, bangkokDateStart('2025-01-05') + day * DAY_MS + hour * HOUR_MS, newPatternState(), new Rng(day))[param]!),
        ),
      );
    for (const param of ['pm25', 'no2']) {
      expect(at(8, param)).toBeGreaterThan(at(14, param));
      expect(at(20, param)).toBeGreaterThan(at(14, param));
    }
    expect(at(14, 'o3')).toBeGreaterThan(2 * at(3, 'o3'));
    const pmRatio = devices.flatMap((d) => series(d, bangkokDateStart('2025-02-01'), bangkokDateStart('2025-02-03'), HOUR_MS)).map((r) => r.values.pm10! / r.values.pm25!);
    expect(Math.min(...pmRatio)).toBeGreaterThanOrEqual(1.25);
    expect(Math.max(...pmRatio)).toBeLessThanOrEqual(2.05);
  });

  it('drive PM2.5 well above 37.5 during a haze episode, then back down', () => {
    const start = bangkokDateStart('2025-07-10') + 6 * HOUR_MS;
    const episode: Episode = { kind: 'haze', startMs: start, durationMs: 12 * HOUR_MS, peak: 150, cityId: 'cnx' };
    const device = ofDomain(fleet, 'air')[0]!;
    const during = series(device, start + 4 * HOUR_MS, start + 7 * HOUR_MS, 10 * MINUTE_MS, 1, [episode]).map((r) => r.values.pm25!);
    const after = series(device, start + 24 * HOUR_MS, start + 48 * HOUR_MS, HOUR_MS, 1, [episode]).map((r) => r.values.pm25!);
    const without = series(device, start + 4 * HOUR_MS, start + 7 * HOUR_MS, 10 * MINUTE_MS, 1).map((r) => r.values.pm25!);
    expect(Math.min(...during)).toBeGreaterThan(37.5 * 2);
    expect(mean(without)).toBeLessThan(37.5);
    expect(mean(after)).toBeLessThan(37.5);
    // the 24 h mean over the episode day exceeds the standard
    const day = series(device, start - 6 * HOUR_MS, start + 18 * HOUR_MS, 30 * MINUTE_MS, 1, [episode]).map((r) => r.values.pm25!);
    expect(mean(day)).toBeGreaterThan(37.5);
    // another city is not affected
    const other = buildFleet({ cities: [NONTHABURI], perDomain: { air: 1, water: 0, energy: 0, waste: 0 }, seed: 1 }).devices[0]!;
    expect(mean(series(other, start + 4 * HOUR_MS, start + 7 * HOUR_MS, 10 * MINUTE_MS, 1, [episode]).map((r) => r.values.pm25!))).toBeLessThan(37.5);
  });

  it('produce no solar power at night, and some in the daytime', () => {
    const solar = ofDomain(fleet, 'energy').filter((d) => (d.profile as EnergyProfile).solarKwp > 0);
    expect(solar.length).toBeGreaterThan(0);
    let dayPower = 0;
    for (const device of solar) {
      for (const r of series(device, bangkokDateStart('2025-06-20'), bangkokDateStart('2025-06-23'), 10 * MINUTE_MS)) {
        const elevation = sunElevationDeg(device.lat, device.lon, r.ts);
        if (elevation <= 0) expect(r.values.solarPower).toBe(0);
        if (elevation > 30) dayPower += r.values.solarPower!;
        const hour = new Date(r.ts + 7 * HOUR_MS).getUTCHours();
        if (hour < 5 || hour >= 20) expect(r.values.solarPower).toBe(0);
      }
    }
    expect(dayPower).toBeGreaterThan(0);
    const withoutPv = ofDomain(fleet, 'energy').filter((d) => (d.profile as EnergyProfile).solarKwp === 0);
    for (const d of withoutPv) expect(deviceValues(d, Date.now(), newPatternState(), new Rng(1)).solarPower).toBeUndefined();
  });

  it('keep energy counters increasing, as the integral of the power', () => {
    for (const device of ofDomain(fleet, 'energy')) {
      const rows = series(device, bangkokDateStart('2025-04-10'), bangkokDateStart('2025-04-16'), 7 * MINUTE_MS);
      for (let i = 1; i < rows.length; i++) {
        expect(rows[i]!.values.totalActiveEnergyImport).toBeGreaterThanOrEqual(rows[i - 1]!.values.totalActiveEnergyImport!);
        if (rows[i]!.values.solarEnergyGenerated !== undefined) {
          expect(rows[i]!.values.solarEnergyGenerated).toBeGreaterThanOrEqual(rows[i - 1]!.values.solarEnergyGenerated!);
        }
      }
      // the counter's increase over a day equals the integral of the noise-free power
      const state = newPatternState();
      const t0 = bangkokDateStart('2025-04-17');
      let integral = 0;
      const step = MINUTE_MS;
      for (let t = t0; t < t0 + DAY_MS; t += step) integral += ((energyModel(device, t, state).loadKw + energyModel(device, t + step, state).loadKw) / 2) * (step / HOUR_MS);
      const counted = energyModel(device, t0 + DAY_MS, newPatternState()).importKwh - energyModel(device, t0, newPatternState()).importKwh;
      expect(counted).toBeCloseTo(integral, 0);
    }
  });

  it('continue the same meter in a run that starts where a backfill ended', () => {
    const device = ofDomain(fleet, 'energy')[0]!;
    const t = bangkokDateStart('2025-05-02') + 13 * HOUR_MS;
    const backfilled = newPatternState();
    energyModel(device, t - 7 * DAY_MS, backfilled);
    const continued = energyModel(device, t, backfilled).importKwh;
    expect(energyModel(device, t, newPatternState()).importKwh).toBeCloseTo(continued, 6);
  });

  it('empty a bin at its collection round', () => {
    const bins = ofDomain(fleet, 'waste');
    let drops = 0;
    for (const bin of bins) {
      const from = bangkokDateStart('2025-02-03');
      for (let day = 0; day < 7; day++) {
        const collected = lastCollection(bin, from + (day + 1) * DAY_MS);
        if (collected === null || collected < from + day * DAY_MS) continue;
        const before = fillLevel(bin, collected - 1000);
        const after = fillLevel(bin, collected + 1000);
        expect(after).toBeLessThan(5);
        expect(before).toBeGreaterThan(after + 10);
        drops++;
      }
      // between rounds the fill only rises
      const rows = series(bin, from, from + 3 * DAY_MS, 20 * MINUTE_MS).map((r) => ({ ts: r.ts, fill: fillLevel(bin, r.ts) }));
      for (let i = 1; i < rows.length; i++) {
        const round = lastCollection(bin, rows[i]!.ts);
        if (round !== null && round > rows[i - 1]!.ts) continue;
        expect(rows[i]!.fill).toBeGreaterThanOrEqual(rows[i - 1]!.fill);
      }
    }
    expect(drops).toBeGreaterThan(bins.length);
  });

  it('stay inside the catalog ranges in every region and season, haze episode included, and use only catalog parameters', () => {
    const all = buildFleet({ cities: [...BUILTIN_CITIES], perDomain: { air: 3, water: 3, energy: 3, waste: 3 }, seed: 11 });
    const dates = ['2025-01-15', '2025-03-20', '2025-07-25', '2025-10-10'];
    let checked = 0;
    const problems: string[] = [];
    for (const device of all.devices) {
      const catalog = parametersOf(device.domain).map((p) => p.name);
      for (const date of dates) {
        const from = bangkokDateStart(date);
        const episodes: Episode[] = [{ kind: 'haze', startMs: from, durationMs: DAY_MS, peak: 500 }];
        for (const r of series(device, from, from + 2 * DAY_MS, 20 * MINUTE_MS, 3, episodes)) {
          for (const [name, value] of Object.entries(r.values)) {
            const spec = getParameter(device.domain, name);
            if (!spec) problems.push(`${device.id}: ${name} is not a ${device.domain} parameter`);
            else if (!Number.isFinite(value) || value < spec.range.min || value > spec.range.max) problems.push(`${device.id} ${name}=${value} outside ${spec.range.min}..${spec.range.max}`);
            checked++;
          }
          const missing = catalog.filter((name) => r.values[name] === undefined && !(device.domain === 'energy' && name.startsWith('solar')));
          if (missing.length > 0) problems.push(`${device.id} left out ${missing.join(', ')}`);
        }
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(checked).toBeGreaterThan(50_000);
  });
});
