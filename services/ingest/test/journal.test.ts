import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../src/journal.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-'));
  dirs.push(dir);
  return dir;
}
const segments = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.wal'));
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('Journal', () => {
  it('replays exactly the messages that were not committed, in order, after a restart', () => {
    const dir = tempDir();
    const j = new Journal({ dir, segmentBytes: 200 });
    expect(j.recover()).toEqual([]);
    const seqs = Array.from({ length: 20 }, (_, i) => j.append(1000 + i, `v1/cnx/air/d${i}/telemetry`, Buffer.from(`{"i":${i}}`)));
    // the first seven are stored, and two later ones while the 8th was still waiting
    j.commit([...seqs.slice(0, 7), seqs[10]!, seqs[11]!]);
    j.close();

    const again = new Journal({ dir });
    const left = again.recover();
    // replay starts at the oldest message not stored; the two stored after it are repeated (writes are idempotent)
    const expected = Array.from({ length: 13 }, (_, k) => k + 7);
    expect(left.map((r) => r.payload.toString())).toEqual(expected.map((i) => `{"i":${i}}`));
    expect(left.map((r) => r.topic)).toEqual(expected.map((i) => `v1/cnx/air/d${i}/telemetry`));
    expect(left.map((r) => r.receivedAt)).toEqual(expected.map((i) => 1000 + i));
    // new appends get fresh sequence numbers after the replayed ones
    const next = again.append(5000, 't', Buffer.from('x'));
    expect(next).toBeGreaterThan(Math.max(...left.map((r) => r.seq)));
    again.commit([...left.map((r) => r.seq), next]);
    again.close();
    expect(segments(dir)).toEqual([]);
    const third = new Journal({ dir });
    expect(third.recover()).toEqual([]);
    // sequence numbers keep rising across restarts, so a later recovery replays new messages
    const seq = third.append(6000, 't', Buffer.from('after'));
    expect(seq).toBeGreaterThan(next);
    third.close();
    expect(new Journal({ dir }).recover().map((r) => r.payload.toString())).toEqual(['after']);
  });

  it('deletes segments once everything in them is committed, and counts outstanding bytes', () => {
    const dir = tempDir();
    const j = new Journal({ dir, segmentBytes: 100 });
    j.recover();
    const seqs = Array.from({ length: 10 }, (_, i) => j.append(i, 'topic/x', Buffer.alloc(40, i)));
    expect(segments(dir).length).toBeGreaterThan(2);
    expect(j.outstanding).toBe(10);
    expect(j.bytes).toBeGreaterThan(400);
    j.commit(seqs.slice(0, 8));
    expect(j.outstanding).toBe(2);
    j.commit(seqs.slice(8));
    j.close();
    expect(segments(dir)).toEqual([]);
  });

  it('keeps count of thousands of messages committed out of order: outstanding, oldest age, replay point', () => {
    const dir = tempDir();
    const j = new Journal({ dir, segmentBytes: 64 * 1024 });
    j.recover();
    const seqs = Array.from({ length: 20_000 }, (_, i) => j.stage(1_000 + i, 't', Buffer.from([i & 0xff])));
    j.flush();
    // every other one of the first 15,000 is stored, then the rest of the first 12,000
    j.commit(seqs.slice(0, 15_000).filter((_, i) => i % 2 === 1));
    j.commit(seqs.slice(0, 12_000).filter((_, i) => i % 2 === 0));
    expect(j.outstanding).toBe(20_000 - 12_000 - 1_500);
    expect(j.oldestAgeMs(1_000 + 12_000 + 10)).toBe(10);
    j.close();
    const left = new Journal({ dir }).recover();
    // replay starts at the oldest not stored (#12,000); later stored ones are replayed too
    expect(left[0]!.receivedAt).toBe(1_000 + 12_000);
    expect(left).toHaveLength(8_000);
  });

  it('ignores a torn record at the end (a crash in the middle of a write)', () => {
    const dir = tempDir();
    const j = new Journal({ dir });
    j.recover();
    j.append(1, 'a', Buffer.from('first'));
    j.append(2, 'b', Buffer.from('second'));
    j.close();
    const [file] = segments(dir);
    const full = fs.readFileSync(path.join(dir, file!));
    fs.writeFileSync(path.join(dir, file!), full.subarray(0, full.length - 3));
    const left = new Journal({ dir }).recover();
    expect(left.map((r) => r.payload.toString())).toEqual(['first']);
  });

  it('keeps appended messages when the process is killed with SIGKILL', () => {
    const dir = tempDir();
    const script = `
      import { Journal } from ${JSON.stringify(path.resolve(__dirname, '../src/journal.ts'))};
      const j = new Journal({ dir: ${JSON.stringify(dir)} });
      j.recover();
      for (let i = 0; i < 1000; i++) j.append(i, 'v1/cnx/air/d/telemetry', Buffer.from(String(i)));
      j.commit([1, 2, 3]);
      process.kill(process.pid, 'SIGKILL');
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.signal).toBe('SIGKILL');
    const left = new Journal({ dir }).recover();
    // committed messages are not replayed; all the others are
    expect(left).toHaveLength(997);
    expect(left[0]!.payload.toString()).toBe('3');
    expect(left[996]!.payload.toString()).toBe('999');
  });
});
