import { openStateStore } from '@mueang/storage';
import { verifySecret } from '@mueang/core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.ts';
import { startBroker, type TestBroker } from './broker.ts';

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('cli', () => {
  let dir: string;
  let broker: TestBroker;
  const small = ['--air', '2', '--water', '1', '--energy', '1', '--waste', '1'];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mueang-sim-cli-'));
    broker = await startBroker();
  });
  afterAll(async () => {
    await broker?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints help', async () => {
    for (const args of [['--help'], [], ['run', '--help']]) {
      const r = await cli(...args);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('usage: tsx devices/sim/src/cli.ts <command> [options]');
    }
  });

  it('names the flag and the fix for bad input, with exit code 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['fly'], /"fly" is not a command; use provision, run, backfill or list/],
      [['run', '--bogus'], /Unknown option '--bogus' \(see: run --help\)/],
      [['run', '--rate'], /Option '--rate <value>' argument missing/],
      [['run', '--rate', 'fast'], /--rate: expected a number of at least 0.001, got "fast"/],
      [['run', '--rate', '5', '--interval', '2'], /give either --rate \(fleet total\) or --interval/],
      [['run', '--city', 'bkk'], /--city: "bkk" is not a built-in city; use cnx \(Chiang Mai\)/],
      [['run', '--air=-3'], /--air: expected a whole number of at least 0/],
      [['run', '--faults', 'meteor'], /"meteor" is not a fault/],
      [['run', '--start', 'yesterday'], /--start: expected a date \(2025-03-10, Asia\/Bangkok\)/],
      [['run', '--haze-peak', '100'], /--haze-peak: only applies with --haze or --haze-start/],
      [['run', 'extra'], /unexpected argument "extra"/],
      [['provision'], /--state: give the registry/],
      [['provision', '--state', '/tmp/x', '--random-secrets'], /--random-secrets: needs --out FILE/],
      [['backfill', '--days', '2', '--from', '2025-01-01'], /give either --days or --from/],
      [['run', '--credentials', '/nonexistent/creds.json'], /--credentials: cannot read \/nonexistent\/creds.json/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });

  it('lists the fleet without connecting', async () => {
    const r = await cli('list', ...small);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(5);
    expect(r.stdout).toContain('cnx-air-002\taq-station');
    expect(r.stdout).toContain('(co in ppb)');
  });

  it('provisions, writes the credentials file, then runs and backfills with it', async () => {
    const state = path.join(dir, 'state');
    const creds = path.join(dir, 'creds.json');
    const p = await cli('provision', '--state', state, '--out', creds, '--random-secrets', '--city', 'kkn', ...small);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/provisioned 1 city\(ies\), \d+ sites, 5 devices \(5 secrets set\); credentials written to/);
    const file = JSON.parse(readFileSync(creds, 'utf8')) as { spec: { cities: string[]; seed: number }; devices: Array<{ deviceId: string; secret: string }> };
    expect(file.spec.cities).toEqual(['kkn']);
    expect(file.devices.map((d) => d.deviceId)).toEqual(['kkn-air-001', 'kkn-air-002', 'kkn-water-001', 'kkn-energy-001', 'kkn-waste-001']);
    const store = await openStateStore({ kind: 'pglite', dataDir: state });
    try {
      const stored = await store.getDevice('kkn-air-001');
      expect(await verifySecret(file.devices[0]!.secret, stored!.secretHash!)).toBe(true);
    } finally {
      await store.close();
    }

    const record = path.join(dir, 'run.json');
    const r = await cli('run', '--url', broker.url, '--credentials', creds, '--interval', '0.02', '--count', '3', '--record', record, '--faults', 'spike:every=2');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/done: 15 of 15 readings acknowledged, 0 errors, \d+ faults injected/);
    const recorded = JSON.parse(readFileSync(record, 'utf8')) as { readings: Array<{ deviceId: string }>; faults: unknown[] };
    expect(recorded.readings).toHaveLength(15);
    expect(new Set(recorded.readings.map((x) => x.deviceId))).toEqual(new Set(file.devices.map((d) => d.deviceId)));
    expect(recorded.faults.length).toBeGreaterThan(0);

    const b = await cli('backfill', '--url', broker.url, '--credentials', creds, '--days', '0.1', '--interval', '300', '--batch', '10');
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/done: \d+ readings from /);
  });

  it('prints the device secrets once when no --out is given', async () => {
    const r = await cli('provision', '--state', path.join(dir, 'state2'), '--air', '1', '--water', '0', '--energy', '0', '--waste', '0');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/device id\tsecret \(shown once; username = device id\)\ncnx-air-001\t[A-Za-z0-9_-]{32}\n/);
  });

  it('fails with exit code 1 and the reason when the broker cannot be reached', async () => {
    const r = await cli('run', '--url', 'mqtt://127.0.0.1:1', ...small, '--count', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/could not connect to mqtt:\/\/127.0.0.1:1; first: cnx-air-001: .*ECONNREFUSED/);
  });
});
