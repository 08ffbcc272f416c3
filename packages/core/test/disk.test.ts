import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DISK_THRESHOLDS,
  DISK_SPACE_RULE_ID,
  applyRuleOverrides,
  checkDiskThresholds,
  checkRules,
  defaultRule,
  diskLevel,
  diskStatusTopic,
  evaluateCondition,
  initialInstanceState,
  parseDiskReport,
  parseDiskStatusTopic,
  stepRule,
  type DiskReport,
  type DiskThresholds,
} from '../src/index.ts';

const GB = 1e9;
const MB = 1e6;

describe('diskLevel (defaults: warning below 10 % or 2 GB free, critical below 5 % or 500 MB)', () => {
  it('is ok with room on both counts', () => {
    expect(diskLevel({ freeBytes: 30 * GB, totalBytes: 100 * GB })).toBe('ok');
    expect(diskLevel({ freeBytes: 10 * GB, totalBytes: 100 * GB })).toBe('ok');
  });

  it('warns on the share on a large disk, on the bytes on a small one (whichever comes first)', () => {
    expect(diskLevel({ freeBytes: 9.99 * GB, totalBytes: 100 * GB })).toBe('warning');
    // a 16 GB card with 1.9 GB free: 11.9 % free, but below 2 GB
    expect(diskLevel({ freeBytes: 1.9 * GB, totalBytes: 16 * GB })).toBe('warning');
  });

  it('is critical below 5 % or 500 MB, and the critical test wins over the warning one', () => {
    expect(diskLevel({ freeBytes: 4.9 * GB, totalBytes: 100 * GB })).toBe('critical');
    expect(diskLevel({ freeBytes: 499 * MB, totalBytes: 8 * GB })).toBe('critical');
    expect(diskLevel({ freeBytes: 0, totalBytes: 100 * GB })).toBe('critical');
  });

  it('takes other thresholds, and 0 turns a test off', () => {
    const bytesOnly: DiskThresholds = { warning: { freeFraction: 0, freeBytes: 50 * GB }, critical: { freeFraction: 0, freeBytes: 10 * GB } };
    // 2 % of a 2 TB disk is 40 GB: the share alone would be critical
    expect(diskLevel({ freeBytes: 40 * GB, totalBytes: 2000 * GB }, bytesOnly)).toBe('warning');
    expect(diskLevel({ freeBytes: 60 * GB, totalBytes: 2000 * GB }, bytesOnly)).toBe('ok');
    expect(diskLevel({ freeBytes: 9 * GB, totalBytes: 2000 * GB }, bytesOnly)).toBe('critical');
  });

  it('treats a volume of unknown size (0 bytes) as full rather than fine', () => {
    expect(diskLevel({ freeBytes: 0, totalBytes: 0 })).toBe('critical');
  });
});

describe('checkDiskThresholds', () => {
  it('accepts the defaults and refuses a critical level above the warning one, or numbers out of range', () => {
    expect(checkDiskThresholds(DEFAULT_DISK_THRESHOLDS)).toEqual([]);
    const problems = checkDiskThresholds({ warning: { freeFraction: 0.05, freeBytes: 1 * GB }, critical: { freeFraction: 1.5, freeBytes: 2 * GB } });
    expect(problems).toEqual([
      'critical.freeFraction must be from 0 to below 1 (0 = off), got 1.5',
      'critical.freeFraction (1.5) must not be above warning.freeFraction (0.05): critical is the emptier disk',
      'critical.freeBytes (2000000000) must not be above warning.freeBytes (1000000000): critical is the emptier disk',
    ]);
  });
});

const T = Date.UTC(2025, 0, 15, 5, 0);

function report(level: DiskReport['level'], at = T, freeBytes = 3 * GB): DiskReport {
  return {
    source: 'ingest-all',
    city: null,
    level,
    at,
    volumes: [{ role: 'journal', path: '/var/lib/mueang/journal-all', freeBytes, totalBytes: 100 * GB, level }],
    thresholds: DEFAULT_DISK_THRESHOLDS,
  };
}

describe('disk status message', () => {
  it('round-trips through its topic and JSON, and refuses what is not one', () => {
    expect(diskStatusTopic('ingest-cnx')).toBe('mueang/system/ingest-cnx/disk');
    expect(parseDiskStatusTopic('mueang/system/ingest-cnx/disk')).toBe('ingest-cnx');
    expect(parseDiskStatusTopic('mueang/system/ingest-cnx/cpu')).toBeNull();
    expect(parseDiskStatusTopic('mueang/system/Bad Id/disk')).toBeNull();
    const r = report('warning');
    expect(parseDiskReport(Buffer.from(JSON.stringify(r)))).toEqual(r);
    expect(parseDiskReport('not json')).toBeNull();
    expect(parseDiskReport(JSON.stringify({ ...r, level: 'full' }))).toBeNull();
    expect(parseDiskReport(JSON.stringify({ ...r, volumes: [{ role: 'journal' }] }))).toBeNull();
  });
});

describe(`rule ${DISK_SPACE_RULE_ID}`, () => {
  const rule = defaultRule(DISK_SPACE_RULE_ID)!;
  const inputs = (disk: DiskReport | null) => ({ domain: 'system' as const, samples: () => [], lastSeenAt: null, status: null, disk });
  const outcomes = (disk: DiskReport | null, at = T) => rule.conditions.map((c) => evaluateCondition(c, inputs(disk), at));

  it('is consistent rules data of the system domain, with names in Thai and English', () => {
    expect(checkRules([rule])).toEqual([]);
    expect(rule.domains).toEqual(['system']);
    expect(rule.name.th).toMatch(/ดิสก์/);
    expect(rule.name.en).toMatch(/disk/i);
  });

  it('raises major on a warning report, turns critical with the report, and clears after the quiet period back at ok', () => {
    let state = initialInstanceState();
    let step = stepRule(rule, state, outcomes(report('warning')), T);
    expect(step.step).toMatchObject({ kind: 'raise', severity: 'major' });
    expect(step.observation).toMatchObject({ parameter: 'diskFree', value: 3, unit: '%' });
    expect(step.observation?.detail).toBe('ingest-all journal /var/lib/mueang/journal-all: 3.0 GB free of 100.0 GB (3 %), level warning');
    state = step.state;
    step = stepRule(rule, state, outcomes(report('critical', T + 60_000), T + 60_000), T + 60_000);
    expect(step.step).toMatchObject({ kind: 'severity', severity: 'critical' });
    state = step.state;
    const ok = (at: number) => stepRule(rule, state, outcomes(report('ok', at, 30 * GB), at), at);
    step = ok(T + 120_000);
    expect(step.step.kind).toBe('none');
    state = step.state;
    step = ok(T + 120_000 + rule.clearAfterQuietMs);
    expect(step.step).toMatchObject({ kind: 'clear' });
  });

  it('gives no verdict on a stale report or none at all: an active alert stays active', () => {
    const stale = outcomes(report('ok'), T + 16 * 60_000);
    expect(stale.map((o) => o.status)).toEqual(['insufficient', 'insufficient']);
    expect(outcomes(null).map((o) => o.status)).toEqual(['not-applicable', 'not-applicable']);
    const active = initialInstanceState(true, 'major');
    expect(stepRule(rule, active, outcomes(null), T).step.kind).toBe('none');
    expect(stepRule(rule, active, stale, T + 16 * 60_000 + rule.clearAfterQuietMs).step.kind).toBe('none');
  });

  it('can be tuned per city like any rule, and refuses a disk condition on a device rule', () => {
    const tuned = applyRuleOverrides([rule], { rules: { [DISK_SPACE_RULE_ID]: { conditions: { warning: { severity: 'warning' } }, reminderEveryMs: 3_600_000 } } });
    expect(tuned.problems).toEqual([]);
    const misplaced = applyRuleOverrides([], { add: [{ ...rule, id: 'air.disk', domains: ['air'] }] });
    expect(misplaced.problems.map((p) => p.message)).toContain("a disk-space condition reads the platform's status reports: its rule's domains must include 'system'");
  });
});
