import { DAY_MS, HOUR_MS, ROLLUP_REBUILD_TOPIC, bangkokDayStart, getParameter, hourStart, type RollupRow, type TelemetryPoint } from '@mueang/core';
import { connectAsync } from 'mqtt';
import { backfill, buildFleet, DEMO_FLEET_SPEC, provisionFleet, runFleet, type Fleet } from '@mueang/sim';
import { requireComponents } from '@mueang/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparable, SERVICE, settle, startPipeline, type Backend, type Pipeline } from './harness.ts';

// payload variety included: CO in ppb, SenML, power in W; every domain
const fleet: Fleet = buildFleet({ ...DEMO_FLEET_SPEC, perDomain: { air: 3, water: 2, energy: 2, waste: 2 } });
const influxOk = await requireComponents('end-to-end pipeline on InfluxDB', 'influxd');

interface Stat {
  mean: number;
  min: number;
  max: number;
  count: number;
  /** sound levels only */
  leq?: number;
}

/** hourly or Bangkok-daily mean/min/max/count (and Leq of sound levels) recomputed from what the simulator sent */
function recompute(points: TelemetryPoint[], bucket: (ts: number) => number): Map<string, Stat> {
  const acc = new Map<string, { values: number[]; level: boolean }>();
  for (const p of points) {
    for (const [param, v] of Object.entries(p.values)) {
      const key = `${p.device}|${param}|${bucket(p.ts)}`;
      let entry = acc.get(key);
      if (!entry) acc.set(key, (entry = { values: [], level: getParameter(p.domain, param)?.energyAveraged === true }));
      entry.values.push(v);
    }
  }
  const out = new Map<string, Stat>();
  for (const [key, { values, level }] of acc) {
    const stat: Stat = { mean: values.reduce((a, b) => a + b, 0) / values.length, min: Math.min(...values), max: Math.max(...values), count: values.length };
    if (level) stat.leq = 10 * Math.log10(values.reduce((a, v) => a + 10 ** (v / 10), 0) / values.length);
    out.set(key, stat);
  }
  return out;
}

/** the Leq where the parameter has one (influxd's POW and LOG10 differ from JavaScript's in the last digits), none elsewhere */
function expectSameLeq(row: RollupRow, want: Stat) {
  if (want.leq === undefined) expect(row.leq, `${row.device} ${row.param}`).toBeUndefined();
  else expect(Math.abs((row.leq as number) - want.leq), `${row.device} ${row.param}`).toBeLessThanOrEqual(1e-9);
}

/** means summed in a different order differ in the last bits only */
function expectSameMean(got: number, want: number) {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
}

describe.each<Backend>(['duckdb', 'influxdb'])('pipeline end to end on %s', (backend) => {
  const skip = backend === 'influxdb' && !influxOk;
  let pipeline: Pipeline;

  beforeAll(async () => {
    if (skip) return;
    pipeline = await startPipeline(backend);
    await provisionFleet(pipeline.state, fleet);
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it.skipIf(skip)('stores exactly what the simulator sent, and dead-letters each malformed reading with its reason', async () => {
    const before = pipeline.ingest.messagesReceived;
    const counted = async (name: string) => (await pipeline.ingest.metrics.getSingleMetric(name)!.get()).values[0]?.value ?? 0;
    const [messagesBefore, readingsBefore] = [await counted('mueang_ingest_messages_total'), await counted('mueang_ingest_readings_total')];
    const run = await runFleet({
      url: pipeline.broker.url,
      fleet,
      rate: { intervalMs: 30 },
      readingsPerDevice: 12,
      record: true,
      faults: [
        { kind: 'malformed', every: 4 },
        { kind: 'out_of_range', every: 5 },
        { kind: 'stuck', every: 7, readings: 3 },
        { kind: 'spike', rate: 0.1 },
        { kind: 'dropout', every: 9, readings: 2 },
      ],
    });
    const summary = await run.done;
    expect(summary.errors).toBe(0);
    expect(summary.acked).toBe(summary.sent);
    await settle(pipeline, () => pipeline.ingest.messagesReceived - before >= summary.sent);

    const recorder = run.recorder!;
    const sent = recorder.toPoints();
    expect(sent.length).toBeGreaterThan(fleet.devices.length * 6);
    const from = Math.min(...sent.map((p) => p.ts));
    const to = Math.max(...sent.map((p) => p.ts)) + 1;
    const stored: TelemetryPoint[] = [];
    for (const domain of ['air', 'water', 'energy', 'waste'] as const) stored.push(...(await pipeline.telemetry.queryRaw({ domain, city: 'cnx', from, to })));
    expect(stored.length).toBe(sent.length);
    expect(comparable(stored)).toEqual(comparable(sent));
    expect((await counted('mueang_ingest_messages_total')) - messagesBefore).toBe(summary.sent);
    expect((await counted('mueang_ingest_readings_total')) - readingsBefore).toBe(sent.length);

    const expected = recorder
      .expectedDeadLetters()
      .map((f) => `${f.deviceId}|${(f.expected as { code: string }).code}|${(f.expected as { param?: string }).param ?? ''}`)
      .sort();
    expect(expected.length).toBeGreaterThan(fleet.devices.length);
    const letters = await pipeline.telemetry.queryDeadLetters({ city: 'cnx', limit: 10_000 });
    const got = letters.map((d) => `${d.device}|${d.reason}|${d.param ?? ''}`).sort();
    expect(got).toEqual(expected);
    for (const d of letters) {
      expect(d.message.length).toBeGreaterThan(10);
      expect(d.topic).toBe(`v1/cnx/${d.domain}/${d.device}/telemetry`);
    }
  });

  it.skipIf(skip)('computes hourly and daily rollups that match a recomputation from the sent readings', async () => {
    // six hours of one-minute history ending at the last full hour, across a Bangkok midnight when it falls there
    const to = hourStart(Date.now()) - 2 * DAY_MS;
    const from = to - 6 * HOUR_MS;
    const before = pipeline.ingest.messagesReceived;
    const result = await backfill({ url: pipeline.broker.url, fleet, from, to, intervalMs: 60_000, batchSize: 60, record: true });
    expect(result.errors).toBe(0);
    await settle(pipeline, () => pipeline.ingest.messagesReceived - before >= result.messages);

    const sent = result.recorder!.toPoints();
    expect(sent.length).toBe(fleet.devices.length * 360);
    const stored: TelemetryPoint[] = [];
    for (const domain of ['air', 'water', 'energy', 'waste'] as const) stored.push(...(await pipeline.telemetry.queryRaw({ domain, from, to })));
    expect(comparable(stored)).toEqual(comparable(sent));

    const hourly = await pipeline.telemetry.queryRollups({ period: '1h', from, to });
    const expectedHourly = recompute(sent, hourStart);
    expect(hourly.length).toBe(expectedHourly.size);
    for (const row of hourly) {
      const want = expectedHourly.get(`${row.device}|${row.param}|${row.start}`);
      expect(want, `${row.device} ${row.param} ${row.start}`).toBeDefined();
      expect(row.count).toBe(want!.count);
      expect(row.min).toBe(want!.min);
      expect(row.max).toBe(want!.max);
      expectSameMean(row.mean, want!.mean);
      expectSameLeq(row, want!);
    }
    expect(hourly.filter((r) => r.param === 'noise' && r.leq !== undefined).length).toBeGreaterThan(0);

    const daily = await pipeline.telemetry.queryRollups({ period: '1d', from: bangkokDayStart(from), to: bangkokDayStart(to) + DAY_MS });
    const expectedDaily = recompute(sent, bangkokDayStart);
    expect(daily.length).toBe(expectedDaily.size);
    for (const row of daily) {
      const want = expectedDaily.get(`${row.device}|${row.param}|${row.start}`)!;
      expect(row.count).toBe(want.count);
      expectSameMean(row.mean, want.mean);
      expect(row.max).toBe(want.max);
      expectSameLeq(row, want);
    }
  });

  it.skipIf(skip)('rebuilds the rollups of a past range when asked on mueang/ingest/rollups/rebuild (history imported into the store), and ignores a malformed request', async () => {
    // a day of one-minute noise written straight into the store, ten days back: ingest never saw it, so no rollups
    const day = bangkokDayStart(Date.now()) - 10 * DAY_MS;
    const levels = Array.from({ length: 1440 }, (_, k) => (k % 60 < 5 ? 88 : 52));
    const imported: TelemetryPoint[] = levels.map((noise, k) => ({ ts: day + k * 60_000, city: 'cnx', site: 'imported-site', device: 'imported-noise', domain: 'air', values: { noise } }));
    await pipeline.telemetry.writePoints(imported);
    await pipeline.ingest.flush();
    expect(await pipeline.telemetry.queryRollups({ period: '1d', device: 'imported-noise', from: day, to: day + DAY_MS })).toEqual([]);

    const client = await connectAsync(pipeline.broker.url, { ...SERVICE, clientId: `e2e-rebuild-${backend}` });
    try {
      await client.publishAsync(ROLLUP_REBUILD_TOPIC, '{"from": "yesterday"}', { qos: 1 });
      await client.publishAsync(ROLLUP_REBUILD_TOPIC, JSON.stringify({ from: day, to: day + DAY_MS, domains: ['air'], requestedAt: Date.now(), requestedBy: 'e2e' }), { qos: 1 });
    } finally {
      await client.endAsync();
    }
    let daily: RollupRow[] = [];
    const deadline = Date.now() + 20_000;
    while (daily.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      await pipeline.ingest.flush();
      daily = await pipeline.telemetry.queryRollups({ period: '1d', device: 'imported-noise', from: day, to: day + DAY_MS });
    }
    const leq = 10 * Math.log10(levels.reduce((a, l) => a + 10 ** (l / 10), 0) / levels.length);
    expect(daily).toHaveLength(1);
    expect(daily[0]).toMatchObject({ count: 1440, min: 52, max: 88 });
    expect(Math.abs((daily[0]?.leq as number) - leq)).toBeLessThan(1e-9);
    expect(await pipeline.telemetry.queryRollups({ period: '1h', device: 'imported-noise', from: day, to: day + DAY_MS })).toHaveLength(24);
    const counted = (await pipeline.ingest.metrics.getSingleMetric('mueang_ingest_rollup_rebuilds_total')?.get())?.values ?? [];
    expect(Object.fromEntries(counted.map((v) => [v.labels.result, v.value]))).toEqual({ refused: 1, accepted: 1 });
  });
});
