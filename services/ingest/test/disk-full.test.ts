import { createBroker, type BrokerHandle } from '@mueang/broker';
import { openStateStore, openTelemetryStore, type StateStore, type TelemetryStore } from '@mueang/storage';
import mqtt from 'mqtt';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startIngest, type Ingest, type IngestOptions } from '../src/ingest.ts';
import { Journal } from '../src/journal.ts';

/**
 * A full disk under the journal, stood in by the file write alone (fs.writeSync on the journal's files fails with
 * ENOSPC while `full` is set); the broker, ingest, the stores and every other file access are real.
 */
let full = false;
let journalRoot = '';
const realWriteSync = fs.writeSync;

function diskFullError(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
}

function isJournalFile(fd: number): boolean {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(journalRoot);
  } catch {
    return false;
  }
}

function failJournalWrites(): void {
  vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, ...rest: unknown[]) => {
    if (full && isJournalFile(fd)) throw diskFullError();
    return (realWriteSync as (...args: unknown[]) => number)(fd, ...rest);
  }) as typeof fs.writeSync);
}

afterEach(() => {
  full = false;
  vi.restoreAllMocks();
});

describe('Journal on a full disk', () => {
  it('throws the error with nothing half-written, and takes records again once there is space', () => {
    journalRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-full-'));
    failJournalWrites();
    const j = new Journal({ dir: journalRoot });
    j.recover();
    const before = j.append(1, 'v1/cnx/air/a/telemetry', Buffer.from('{"n":1}'));
    full = true;
    expect(() => j.append(2, 'v1/cnx/air/a/telemetry', Buffer.from('{"n":2}'))).toThrow(/ENOSPC/);
    expect(() => j.append(3, 'v1/cnx/air/a/telemetry', Buffer.from('{"n":3}'))).toThrow(/ENOSPC/);
    full = false;
    const after = j.append(4, 'v1/cnx/air/a/telemetry', Buffer.from('{"n":4}'));
    j.close();
    // what a restart replays: the records that were written, readable, in order (the failed ones were never acknowledged)
    const replay = new Journal({ dir: journalRoot }).recover();
    expect(replay.map((r) => [r.seq, r.payload.toString()])).toEqual([
      [before, '{"n":1}'],
      [after, '{"n":4}'],
    ]);
    fs.rmSync(journalRoot, { recursive: true, force: true });
  });

  it('keeps working when a new segment cannot be created on the full disk, once it can', () => {
    journalRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-full-'));
    const realOpenSync = fs.openSync;
    vi.spyOn(fs, 'openSync').mockImplementation(((file: fs.PathLike, ...rest: unknown[]) => {
      if (full && String(file).startsWith(journalRoot)) throw Object.assign(new Error(`ENOSPC: no space left on device, open '${String(file)}'`), { code: 'ENOSPC' });
      return (realOpenSync as (...args: unknown[]) => number)(file, ...rest);
    }) as typeof fs.openSync);
    // one record per segment: every append opens a new one
    const j = new Journal({ dir: journalRoot, segmentBytes: 1 });
    j.recover();
    const first = j.append(1, 't', Buffer.from('a'));
    full = true;
    expect(() => j.append(2, 't', Buffer.from('b'))).toThrow(/ENOSPC/);
    full = false;
    const second = j.append(3, 't', Buffer.from('c'));
    const third = j.append(4, 't', Buffer.from('d'));
    j.close();
    expect(new Journal({ dir: journalRoot }).recover().map((r) => [r.seq, r.payload.toString()])).toEqual([
      [first, 'a'],
      [second, 'c'],
      [third, 'd'],
    ]);
    fs.rmSync(journalRoot, { recursive: true, force: true });
  });
});

const SERVICE = { username: 'platform', password: 'disk-full-service-password-0123' };

describe('ingest with a full journal disk', () => {
  let dir: string;
  let state: StateStore;
  let telemetry: TelemetryStore;
  let broker: BrokerHandle;
  let ingest: Ingest;
  let options: IngestOptions;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ingest-full-'));
    journalRoot = path.join(dir, 'journal');
    state = await openStateStore({ kind: 'pglite' });
    await state.upsertCity({ id: 'cnx', name: 'Chiang Mai' });
    await state.upsertSite({ id: 'cnx-s1', cityId: 'cnx', name: 'Site 1' });
    await state.upsertDevice({ id: 'cnx-air-1', cityId: 'cnx', siteId: 'cnx-s1', domain: 'air', kind: 'test' });
    telemetry = await openTelemetryStore({ kind: 'duckdb', path: path.join(dir, 'telemetry.duckdb') });
    const logger = pino({ level: 'silent' });
    broker = await createBroker({ registry: state, serviceAccounts: [SERVICE], host: '127.0.0.1', mqttPort: 0, logger });
    options = {
      mqtt: { url: broker.url, ...SERVICE, clientId: 'full-disk-ingest' },
      store: telemetry,
      registry: state,
      journalDir: journalRoot,
      rollupIntervalMs: 0,
      writer: { maxDelayMs: 20 },
      disk: false,
      logger,
    };
    ingest = await startIngest(options);
  });
  afterAll(async () => {
    await ingest?.stop();
    await broker?.close();
    await telemetry?.close();
    await state?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function waitFor(what: string, ok: () => boolean | Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!(await ok())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  const errorsCounted = async () => {
    const text = await ingest.metrics.getSingleMetricAsString('mueang_ingest_journal_write_errors_total');
    const line = text.split('\n').find((l) => l.startsWith('mueang_ingest_journal_write_errors_total{code="ENOSPC"}'));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  it('does not acknowledge, does not crash, counts the failures, and takes the message once the disk has room again', async () => {
    failJournalWrites();
    const ts = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
    const device = await mqtt.connectAsync(broker.url, { ...SERVICE, clientId: 'full-disk-device' });
    full = true;
    // the broker takes it (its PUBACK to the publisher); ingest must not acknowledge it to the broker
    await device.publishAsync('v1/cnx/air/cnx-air-1/telemetry', JSON.stringify({ ts, values: { pm25: 12.5 } }), { qos: 1 });
    // delivered again after ingest refused to acknowledge it: it was not acknowledged the first time
    await waitFor('a second failed journal write', async () => (await errorsCounted()) >= 2);
    expect(ingest.messagesReceived).toBeGreaterThanOrEqual(2);

    full = false;
    await waitFor('ingest connected again', () => ingest.health().mqttConnected);
    await device.publishAsync('v1/cnx/air/cnx-air-1/telemetry', JSON.stringify({ ts: ts + 60_000, values: { pm25: 13.5 } }), { qos: 1 });
    await waitFor('both readings stored', async () => {
      await ingest.flush();
      return (await telemetry.queryRaw({ domain: 'air', from: ts, to: ts + 120_000 })).length === 2;
    });
    expect(await telemetry.queryDeadLetters({ city: 'cnx' })).toEqual([]);
    expect(ingest.health()).toMatchObject({ journalMessages: 0, lastError: null });

    // both are acknowledged now: a new ingest on the same session gets only what is sent after it
    await ingest.stop();
    ingest = await startIngest(options);
    await device.publishAsync('v1/cnx/air/cnx-air-1/telemetry', JSON.stringify({ ts: ts + 120_000, values: { pm25: 14.5 } }), { qos: 1 });
    await waitFor('the third reading', () => ingest.messagesReceived >= 1);
    await ingest.flush();
    expect(ingest.messagesReceived).toBe(1);
    await device.endAsync();
  });
});
