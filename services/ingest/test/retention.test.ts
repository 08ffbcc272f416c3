import { DAY_MS, HOUR_MS, type DeadLetter, type RollupRow, type TelemetryPoint } from '@mueang/core';
import { DuckDBTelemetryStore, type RetentionCutoff, type TelemetryStore } from '@mueang/storage';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ingest, type IngestOptions } from '../src/ingest.ts';

/** ingest's retention job (RETENTION_RAW_DAYS, RETENTION_DEAD_LETTER_DAYS) against a real DuckDB store */
const NOW = Date.UTC(2026, 5, 15, 3, 0);

const point = (ageMs: number): TelemetryPoint => ({ ts: NOW - ageMs, city: 'cnx', site: 's1', device: 'cnx-air-1', domain: 'air', values: { pm25: ageMs / DAY_MS } });
const letter = (ageMs: number): DeadLetter => ({ receivedAt: NOW - ageMs, topic: 'v1/cnx/air/x/telemetry', reason: 'payload.malformed_json', message: 'not JSON', payload: '{', city: 'cnx' });
const rollup = (ageMs: number): RollupRow => ({ period: '1h', start: NOW - ageMs, city: 'cnx', site: 's1', device: 'cnx-air-1', domain: 'air', param: 'pm25', mean: 1, min: 1, max: 1, count: 1, sum: 1 });

let dir: string;
let store: DuckDBTelemetryStore;
let cutoffs: RetentionCutoff[];
let recording: TelemetryStore;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ingest-retention-'));
  store = new DuckDBTelemetryStore({ path: ':memory:' });
  await store.init();
  cutoffs = [];
  // the real store, with what ingest asks of deleteBefore noted on the way
  recording = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'deleteBefore') return (cutoff: RetentionCutoff) => (cutoffs.push(cutoff), target.deleteBefore(cutoff));
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  await store.writePoints([point(40 * DAY_MS), point(31 * DAY_MS), point(29 * DAY_MS), point(HOUR_MS)]);
  await store.writeDeadLetters([letter(10 * DAY_MS), letter(6 * DAY_MS)]);
  await store.writeRollups([rollup(400 * DAY_MS), rollup(40 * DAY_MS)]);
});
afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function ingestWith(retention: IngestOptions['retention']): Ingest {
  // never started: no broker is needed to run the job itself
  return new Ingest({
    mqtt: { url: 'mqtt://127.0.0.1:1' },
    store: recording,
    registry: { getDevice: async () => null },
    journalDir: path.join(dir, 'journal'),
    retention,
    disk: false,
    logger: pino({ level: 'silent' }),
  });
}

const ages = async () => ({
  points: (await store.queryRaw({ domain: 'air', from: 0, to: NOW + 1 })).map((p) => Math.round((NOW - p.ts) / DAY_MS * 24) / 24),
  deadLetters: (await store.queryDeadLetters({})).map((d) => (NOW - d.receivedAt) / DAY_MS).sort((a, b) => a - b),
  rollups: (await store.queryRollups({ period: '1h', from: 0, to: NOW + 1 })).map((r) => (NOW - r.start) / DAY_MS).sort((a, b) => a - b),
});

describe('retention job', () => {
  it('deletes raw readings older than RETENTION_RAW_DAYS and dead letters older than RETENTION_DEAD_LETTER_DAYS, keeping rollups', async () => {
    await ingestWith({ rawDays: 30, deadLetterDays: 7 }).applyRetention(NOW);
    expect(cutoffs).toEqual([{ pointsBefore: NOW - 30 * DAY_MS, deadLettersBefore: NOW - 7 * DAY_MS }]);
    expect(await ages()).toEqual({ points: [29, 1 / 24], deadLetters: [6], rollups: [40, 400] });
  });

  it('leaves alone what has no retention period', async () => {
    await ingestWith({ rawDays: 30 }).applyRetention(NOW);
    expect(cutoffs).toEqual([{ pointsBefore: NOW - 30 * DAY_MS }]);
    expect((await ages()).deadLetters).toEqual([6, 10]);

    cutoffs = [];
    await ingestWith({ deadLetterDays: 7 }).applyRetention(NOW);
    expect(cutoffs).toEqual([{ deadLettersBefore: NOW - 7 * DAY_MS }]);
    expect((await ages()).points).toHaveLength(2);
  });

  it('passes on a store failure to the caller (start() logs it and tries again in an hour)', async () => {
    await store.close();
    await expect(ingestWith({ rawDays: 30 }).applyRetention(NOW)).rejects.toThrow(/closed/);
    store = new DuckDBTelemetryStore({ path: ':memory:' });
    await store.init();
  });
});
