import { requireComponents } from '@mueang/testkit';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ok = await requireComponents('a real full disk under DuckDB and the journal', 'smallFilesystem');
const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = path.resolve(here, '../../../node_modules/.bin/tsx');

describe('a really full disk (a 16 MB tmpfs in a private mount namespace)', () => {
  it.skipIf(!ok)('DuckDB reports it as transient, the writer retries instead of dead-lettering, and both store and journal write again once space is freed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'full-disk-'));
    try {
      // the tmpfs is mounted in the namespace of this one command only; it goes when the command ends
      const script = `mount -t tmpfs -o size=16m tmpfs "$1" && exec "$2" "$3" "$1"`;
      const r = spawnSync('unshare', ['-rm', 'sh', '-c', script, 'sh', dir, tsx, path.join(here, 'fixtures/full-disk.ts')], { encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
      expect(result.direct).toMatchObject({ code: 'backend.disk_full', retryable: true });
      expect(result.direct.message).toMatch(/No space left on device.*free space there or move DATA_DIR/);
      expect(result.journalError).toBe('ENOSPC');
      expect(result.retries).toEqual(['backend.disk_full', 'backend.disk_full', 'backend.disk_full']);
      expect(result.rejected).toEqual([]);
      expect(result.deadLetters).toBe(0);
      expect(result.stored).toBe(4000);
      expect(result.replay).toEqual([
        [result.journaledBefore, '{"before":true}'],
        [result.journaledAfter, '{"after":true}'],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
