import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ThresholdCondition } from '@mueang/core';
import { AlertsConfigError, RuleBook, loadAlertsConfig, parseAlertsConfig, parseDuration, parseRulesConfig } from '../src/index.ts';

describe('rules configuration', () => {
  it('merges per-city overrides over the overrides for every city, with durations in words', () => {
    const parsed = parseRulesConfig({
      rules: { 'ops.device.offline': { conditions: { offline: { afterMs: '20m' } } }, 'air.noise.lmax': { enabled: false } },
      cities: { cnx: { rules: { 'waste.fill.high': { severity: 'major', clearAfterQuietMs: '2m', conditions: { fill: { value: 85, clearValue: 65 } } } } } },
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const book = new RuleBook(parsed.value);
    const cnx = book.rule('cnx', 'waste.fill.high')!;
    expect(cnx).toMatchObject({ severity: 'major', clearAfterQuietMs: 120_000 });
    expect((cnx.conditions[0] as ThresholdCondition).value).toBe(85);
    expect((book.rule('bkk', 'waste.fill.high')!.conditions[0] as ThresholdCondition).value).toBe(80);
    expect(book.rule('bkk', 'ops.device.offline')!.conditions.find((c) => c.id === 'offline')).toMatchObject({ afterMs: 1_200_000 });
    expect(book.activeRules('cnx', 'air').map((r) => r.id)).not.toContain('air.noise.lmax');
  });

  it('applies overrides stored in the StateStore last, and leaves out a stored override that does not validate', () => {
    const book = new RuleBook({});
    book.setStoredOverrides([
      { cityId: 'cnx', ruleId: 'waste.fill.high', override: { conditions: { fill: { value: 90, clearValue: 70 } } }, updatedBy: 'api', updatedAt: 0 },
      { cityId: 'cnx', ruleId: 'waste.overflow', override: { severity: 'apocalyptic' }, updatedBy: 'api', updatedAt: 0 },
    ]);
    expect((book.rule('cnx', 'waste.fill.high')!.conditions[0] as ThresholdCondition).value).toBe(90);
    expect(book.rule('cnx', 'waste.overflow')!.severity).toBe('major');
  });

  it('reports every problem with its path and what to do', () => {
    const parsed = parseRulesConfig({
      rules: { 'no.such.rule': { enabled: false }, 'waste.fill.high': { severity: 'urgent', colour: 'red' } },
      cities: { cnx: { rules: { 'water.ph.range': { conditions: { low: { value: 'acid' } } } } } },
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^rules\.rules\.waste\.fill\.high\.severity: severity must be one of critical, major, minor, warning, info/),
        expect.stringMatching(/^rules\.rules\.waste\.fill\.high: unknown field\(s\) colour; a rule override has enabled, severity/),
      ]),
    );
    const semantic = parseRulesConfig({ rules: { 'no.such.rule': { enabled: false } }, cities: { cnx: { rules: { 'water.ph.range': { conditions: { low: { value: 'acid' } } } } } } });
    expect(semantic.ok).toBe(false);
    if (semantic.ok) return;
    expect(semantic.errors).toEqual([
      expect.stringMatching(/^rules\.rules\.no\.such\.rule: no rule has the id "no\.such\.rule"/),
      expect.stringMatching(/^rules\.cities\.cnx\.rules\.water\.ph\.range\.conditions\.low\.value: must be a number/),
    ]);
  });

  it('reads durations', () => {
    expect([parseDuration('90s'), parseDuration('15m'), parseDuration('2h'), parseDuration('1d'), parseDuration(250), parseDuration('soon')]).toEqual([90_000, 900_000, 7_200_000, 86_400_000, 250, undefined]);
  });
});

describe('ALERTS_CONFIG file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mueang-alerts-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads rules, notifiers (secrets from the environment) and engine settings', async () => {
    const file = path.join(dir, 'alerts.json');
    await writeFile(
      file,
      JSON.stringify({
        rules: { rules: { 'waste.fill.high': { reminderEveryMs: null } } },
        notify: {
          webhook: { secret: 'env:TEST_WEBHOOK_SECRET' },
          recipients: [{ id: 'ops', name: 'Operations', channel: 'webhook', address: 'https://ops.example.go.th/hook' }],
          routes: [{ id: 'all', recipients: ['ops'] }],
        },
        engine: { tickInterval: '10s', consoleBaseUrl: 'https://console.example.go.th', cities: ['cnx'] },
      }),
    );
    const config = loadAlertsConfig(file, { TEST_WEBHOOK_SECRET: 'a-secret-of-32-characters-000000' });
    expect(config.engine).toMatchObject({ tickIntervalMs: 10_000, evaluationSpacingMs: 5_000, consoleBaseUrl: 'https://console.example.go.th', cities: ['cnx'] });
    expect(config.notify?.webhook).toMatchObject({ secret: 'a-secret-of-32-characters-000000' });
    expect(config.rules.rules?.['waste.fill.high']).toEqual({ reminderEveryMs: null });
  });

  it('runs with the defaults and no notifiers when there is no file', () => {
    expect(loadAlertsConfig(undefined, {})).toMatchObject({ notify: null, engine: { tickIntervalMs: 15_000 } });
  });

  it('lists every problem of a file at once, naming the file and the path', async () => {
    const file = path.join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ rules: { rules: { 'x.y': {} } }, notify: { webhook: { secret: 'env:MISSING_SECRET' } }, engine: { tickInterval: 'often' }, extra: 1 }));
    const err = (() => {
      try {
        loadAlertsConfig(file, {});
      } catch (e) {
        return e as AlertsConfigError;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(AlertsConfigError);
    expect(err!.problems).toEqual([`${file}: (file): unknown section(s) extra; the file has rules, notify, engine`]);
    const fixed = parseAlertsConfig({ rules: { rules: { 'x.y': {} } }, notify: { webhook: { secret: 'env:MISSING_SECRET' } }, engine: { tickInterval: 'often' } }, {});
    expect(fixed.ok).toBe(false);
    if (fixed.ok) return;
    expect(fixed.errors).toEqual([
      expect.stringMatching(/^rules\.rules\.x\.y: no rule has the id "x\.y"/),
      expect.stringMatching(/^notify\.webhook\.secret: environment variable MISSING_SECRET is not set/),
      expect.stringMatching(/^engine\.tickInterval: tickInterval "often" is not a duration/),
    ]);
    expect(() => loadAlertsConfig(path.join(dir, 'missing.json'))).toThrow(/cannot read the file \(ENOENT\); check the path/);
    await writeFile(path.join(dir, 'broken.json'), '{ "rules": ');
    expect(() => loadAlertsConfig(path.join(dir, 'broken.json'))).toThrow(/not valid JSON/);
  });
});
