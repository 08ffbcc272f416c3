import type { TelemetryPoint } from '@mueang/core';
import { buildFleet, DEMO_FLEET_SPEC, provisionFleet, runFleet } from '@mueang/sim';
import { requireComponents } from '@mueang/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparable, settle, startPipeline, type Pipeline } from '../e2e/harness.ts';

const ok = await requireComponents('fault test: InfluxDB outage under load', 'influxd');
const fleet = buildFleet({ ...DEMO_FLEET_SPEC, perDomain: { air: 4, water: 2, energy: 2, waste: 2 } });
const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_MS ?? 30_000);

describe.skipIf(!ok)('InfluxDB stopped under steady load, then restarted', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await startPipeline('influxdb');
    await provisionFleet(pipeline.state, fleet);
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it(
    'stores every reading acknowledged during the outage, exactly once',
    async () => {
      const influxd = pipeline.influxd!;
      const before = pipeline.ingest.messagesReceived;
      const run = await runFleet({ url: pipeline.broker.url, fleet, rate: { perSecond: 100 }, durationMs: OUTAGE_MS + 10_000, record: true });
      await new Promise((r) => setTimeout(r, 3000));
      await influxd.pause();
      const downAt = Date.now();
      await new Promise((r) => setTimeout(r, 2000));
      // the store is down: ingest keeps acknowledging into its journal, and says so in its health
      expect(await pipeline.telemetry.ping()).toBe(false);
      await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - downAt))));
      expect(pipeline.ingest.health().journalMessages).toBeGreaterThan(0);
      expect(pipeline.ingest.health().lastError).not.toBeNull();
      await influxd.resume();
      const upAt = Date.now();
      const summary = await run.done;
      expect(summary.errors).toBe(0);
      expect(summary.acked).toBe(summary.sent);
      await settle(pipeline, () => pipeline.ingest.messagesReceived - before >= summary.sent);
      while (pipeline.ingest.health().journalMessages > 0) await new Promise((r) => setTimeout(r, 50));
      const recoveredMs = Date.now() - upAt;

      const sent = run.recorder!.toPoints();
      const from = Math.min(...sent.map((p) => p.ts));
      const to = Math.max(...sent.map((p) => p.ts)) + 1;
      const stored: TelemetryPoint[] = [];
      for (const domain of ['air', 'water', 'energy', 'waste'] as const) stored.push(...(await pipeline.telemetry.queryRaw({ domain, from, to })));
      const acknowledgedDuringOutage = sent.filter((p) => p.ts >= downAt && p.ts < upAt).length;
      expect(acknowledgedDuringOutage).toBeGreaterThan(OUTAGE_MS / 1000 * 50);
      expect(stored.length).toBe(sent.length);
      expect(comparable(stored)).toEqual(comparable(sent));
      // count() over the whole range: no reading stored twice
      const counts = await pipeline.telemetry.aggregate({ domain: 'air', params: ['pm25'], from, to, windowMs: 86_400_000, fn: 'count', groupBy: [] });
      expect(counts.reduce((n, r) => n + (r.values.pm25 ?? 0), 0)).toBe(sent.filter((p) => p.domain === 'air').length);
      console.info(`[fault] influx outage ${OUTAGE_MS} ms: ${sent.length} readings sent, ${acknowledgedDuringOutage} during the outage, 0 lost; backlog written ${recoveredMs} ms after InfluxDB came back`);
    },
    OUTAGE_MS + 90_000,
  );
});
