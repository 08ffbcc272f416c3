import { hashSecret, telemetryTopic } from '@mueang/core';
import { requireComponents } from '@mueang/testkit';
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle, startPipeline, type Pipeline } from './harness.ts';

const ok = await requireComponents('foreign MQTT clients (mosquitto_pub)', 'mosquittoPub');

const SECRET_A = 'sensor-a-secret-0123456789abcdef';
const SECRET_B = 'sensor-b-secret-0123456789abcdef';

describe.skipIf(!ok)('a foreign MQTT client (mosquitto_pub) against the broker and ingest', () => {
  let pipeline: Pipeline;
  let port: number;

  beforeAll(async () => {
    pipeline = await startPipeline('duckdb');
    port = pipeline.broker.mqttPort;
    const { state } = pipeline;
    await state.upsertCity({ id: 'hkt', name: 'Phuket' });
    await state.upsertSite({ id: 'hkt-patong', cityId: 'hkt', name: 'Patong', lat: 7.8961, lon: 98.2964 });
    await state.upsertDevice({ id: 'hkt-aq-a', cityId: 'hkt', siteId: 'hkt-patong', domain: 'air', kind: 'aq-station', secretHash: await hashSecret(SECRET_A) });
    await state.upsertDevice({ id: 'hkt-aq-b', cityId: 'hkt', siteId: 'hkt-patong', domain: 'air', kind: 'aq-station', secretHash: await hashSecret(SECRET_B) });
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  /** runs mosquitto_pub without blocking the event loop (the broker under test lives in this process) */
  function pub(user: string, password: string, topic: string, message: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-i', `${user}-pub`, '-u', user, '-P', password, '-q', '1', '-t', topic, '-m', message], { timeout: 15_000 }, (error, stdout, stderr) => {
        resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  async function storedFor(device: string) {
    return pipeline.telemetry.queryRaw({ domain: 'air', device, from: 0, to: Date.now() + 60_000 });
  }

  it('stores a reading published with the device credentials', async () => {
    const ts = Date.now() - 60_000;
    const before = pipeline.ingest.messagesReceived;
    const r = await pub('hkt-aq-a', SECRET_A, telemetryTopic('hkt', 'air', 'hkt-aq-a'), JSON.stringify({ ts, values: { pm25: 18.4, co: 450, temperature: 31.2 }, units: { co: 'ppb' } }));
    expect(r.status, r.stderr).toBe(0);
    await settle(pipeline, () => pipeline.ingest.messagesReceived > before);
    const stored = await storedFor('hkt-aq-a');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ ts, city: 'hkt', site: 'hkt-patong', device: 'hkt-aq-a', domain: 'air' });
    // CO declared in ppb is stored in the catalog's ppm
    expect(stored[0]!.values).toEqual({ pm25: 18.4, co: 0.45, temperature: 31.2 });
  });

  it('refuses wrong credentials, and nothing is stored', async () => {
    const r = await pub('hkt-aq-b', 'not-the-secret', telemetryTopic('hkt', 'air', 'hkt-aq-b'), JSON.stringify({ ts: Date.now(), values: { pm25: 99 } }));
    expect(r.status).not.toBe(0);
    expect(`${r.stderr}${r.stdout}`).toMatch(/not authori[sz]ed|bad user name or password|connection refused/i);
    await settle(pipeline);
    expect(await storedFor('hkt-aq-b')).toEqual([]);
  });

  it("refuses a publish to another device's topic, and nothing is stored", async () => {
    const before = pipeline.ingest.messagesReceived;
    await pub('hkt-aq-a', SECRET_A, telemetryTopic('hkt', 'air', 'hkt-aq-b'), JSON.stringify({ ts: Date.now(), values: { pm25: 77 } }));
    // the broker closes the connection on a refused publish; mosquitto_pub reports the lost connection or exits before the PUBACK
    await settle(pipeline);
    expect(pipeline.ingest.messagesReceived).toBe(before);
    expect(await storedFor('hkt-aq-b')).toEqual([]);
    const refusals = await pipeline.broker.metrics.getSingleMetric('mueang_broker_acl_refusals_total')?.get();
    expect(refusals?.values.some((v) => v.labels.action === 'publish' && v.value > 0)).toBe(true);
  });
});
