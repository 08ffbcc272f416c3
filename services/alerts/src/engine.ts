/**
 * The alerts engine: sample windows per device and parameter, rule evaluation on every reading and on a periodic tick,
 * and the alert lifecycle in the StateStore (raise, severity change, clear; escalation and reminders while
 * unacknowledged, read from the StateStore so that an acknowledgement made through the API counts at once).
 * Independent of MQTT: the service feeds it decoded readings and broker status messages.
 */
import { randomBytes } from 'node:crypto';
import {
  DAY_MS,
  evaluateCondition,
  initialInstanceState,
  stepRule,
  type AlertDomain,
  type AlertRule,
  type ConditionOutcome,
  type DecodedReading,
  type DeviceInputs,
  type DiskReport,
  type RuleInstanceState,
} from '@mueang/core';
import type { AlertObservation, AlertRecord, AlertRepository, Device, StateStore, TelemetryStore } from '@mueang/storage';
import type { Logger } from 'pino';
import type { DeviceDirectory } from './directory.ts';
import type { EngineMetrics } from './metrics.ts';
import type { Publisher } from './publisher.ts';
import type { RuleBook } from './rules-config.ts';
import { SerialOps } from './serial-ops.ts';
import type { SeriesStore } from './series.ts';

export interface EngineOptions {
  state: StateStore;
  telemetry: TelemetryStore;
  repository: AlertRepository;
  directory: DeviceDirectory;
  rules: RuleBook;
  series: SeriesStore;
  publisher: Publisher;
  logger: Logger;
  metrics: EngineMetrics;
  /** wall clock (escalation, reminders, offline and no-data timing) */
  clock: () => number;
  /** only these cities (default all) */
  cities?: readonly string[];
  /**
   * windowed rules (standards, AQI, baselines, stuck sensors) are evaluated on a reading at most once per this much
   * wall-clock time per device (the tick evaluates them anyway); threshold and device rules on every reading.
   * Default 5 s; 0 = every reading.
   */
  evaluationSpacingMs?: number;
  /** how often the stored rule overrides are re-read (default 60 s) */
  overridesRefreshMs?: number;
  /** StateStore write retries (tests make them quick) */
  retry?: { maxAttempts?: number; baseDelayMs?: number };
}

interface AlertRef {
  id: string;
}

interface Instance {
  rule: AlertRule;
  state: RuleInstanceState;
  alert: AlertRef | null;
  observation: ConditionOutcome | null;
  /** the value last written to the alert row */
  writtenValue: number | null;
  /** wall clock of the last reading-driven evaluation (spacing of windowed rules) */
  lastRunAt: number | null;
}

interface DeviceState {
  kind: 'device';
  device: Device;
  /** wall clock of the last message from the device (liveness: a backfilled old reading still shows the device is up) */
  lastSeenAt: number | null;
  status: { online: boolean; since: number } | null;
  instances: Map<string, Instance>;
}

/**
 * A platform service as one city sees it: the subject of the 'system' rules (disk space). Its alerts have no site or
 * device and one dedup key per service and city: `system/{source}/{city}/{rule}`.
 */
interface SystemState {
  kind: 'system';
  key: string;
  source: string;
  cityId: string;
  disk: DiskReport | null;
  instances: Map<string, Instance>;
}

type SubjectState = DeviceState | SystemState;

/** what an alert row says about its subject */
interface Subject {
  key: string;
  cityId: string;
  siteId: string | null;
  deviceId: string | null;
  domain: AlertDomain;
}

const SYSTEM_KEY_PREFIX = 'system/';

function systemKey(source: string, cityId: string): string {
  return `${SYSTEM_KEY_PREFIX}${source}/${cityId}`;
}

/** the source and city of a system alert's dedup key (system/{source}/{city}/{rule}), null for another key */
function parseSystemDedupKey(dedupKey: string): { source: string; cityId: string } | null {
  if (!dedupKey.startsWith(SYSTEM_KEY_PREFIX)) return null;
  const [source, cityId] = dedupKey.slice(SYSTEM_KEY_PREFIX.length).split('/');
  return source && cityId ? { source, cityId } : null;
}

function subjectOf(s: SubjectState): Subject {
  if (s.kind === 'system') return { key: s.key, cityId: s.cityId, siteId: null, deviceId: null, domain: 'system' };
  return { key: s.device.id, cityId: s.device.cityId, siteId: s.device.siteId, deviceId: s.device.id, domain: s.device.domain };
}

const WINDOWED = new Set(['standard', 'aqi-band', 'baseline', 'stuck']);

/** within one message, windowed rules are judged at most every this much data time (and at its newest time) */
const BATCH_STEP_MS = 10 * 60_000;

/** the first time, then each time at least stepMs after the previous kept one, and always the last */
function thinTimes(times: readonly number[], stepMs: number): number[] {
  const kept: number[] = [];
  for (const t of times) if (kept.length === 0 || t - (kept[kept.length - 1] as number) >= stepMs) kept.push(t);
  const last = times[times.length - 1];
  if (last !== undefined && kept[kept.length - 1] !== last) kept.push(last);
  return kept;
}

function isWindowed(rule: AlertRule): boolean {
  return rule.conditions.some((c) => WINDOWED.has(c.kind));
}

function observationOf(o: ConditionOutcome | null, s?: SubjectState): AlertObservation {
  if (!o) return { parameter: null, value: null, unit: null, standard: null, window: null };
  return {
    parameter: o.parameter,
    value: o.value,
    unit: o.unit,
    standard: o.standard,
    window: o.window,
    details: { conditionId: o.conditionId, status: o.status, detail: o.detail, ...(s?.kind === 'system' ? { source: s.source } : {}) },
  };
}

export interface EngineHealth {
  devices: number;
  instances: number;
  activeAlerts: number;
  samples: number;
  pendingOperations: number;
  lastTickAt: number | null;
  lastError: string | null;
}

export class AlertEngine {
  private readonly devices = new Map<string, DeviceState>();
  /** system subjects by key (system/{source}/{city}) */
  private readonly systems = new Map<string, SystemState>();
  private readonly ops: SerialOps;
  private readonly cities: ReadonlySet<string> | null;
  private readonly spacingMs: number;
  /** wall clock when the reading behind a raise arrived (latency metric), by alert id */
  private readonly raisedFrom = new Map<string, number>();
  /** alerts with an escalation or reminder queued: not queued again until it is done */
  private readonly lifecycleQueued = new Set<string>();
  private ticking: Promise<void> | null = null;
  private lastTickAt: number | null = null;
  private lastOverridesAt: number | null = null;
  private tickError: string | null = null;

  constructor(private readonly options: EngineOptions) {
    this.cities = options.cities && options.cities.length > 0 ? new Set(options.cities) : null;
    this.spacingMs = options.evaluationSpacingMs ?? 5_000;
    this.ops = new SerialOps({
      logger: options.logger,
      maxAttempts: options.retry?.maxAttempts,
      baseDelayMs: options.retry?.baseDelayMs,
      onError: () => options.metrics.dbErrors.inc(),
      onDepth: (depth) => options.metrics.pendingOperations.set(depth),
    });
  }

  /** the reading's arrival time of a raise, once (for the publisher's latency histogram) */
  takeReceivedAt(alertId: string): number | undefined {
    const at = this.raisedFrom.get(alertId);
    this.raisedFrom.delete(alertId);
    return at;
  }

  watches(cityId: string): boolean {
    return this.cities === null || this.cities.has(cityId);
  }

  // ---- start: stored overrides, active alerts, then the recent past from the TelemetryStore

  async restore(): Promise<void> {
    await this.refreshOverrides(true);
    const active = await this.options.repository.listActive();
    for (const alert of active) {
      if (!this.watches(alert.cityId)) continue;
      if (alert.domain === 'system') {
        this.restoreSystemAlert(alert);
        continue;
      }
      if (alert.deviceId === null) continue;
      const device = await this.options.directory.device(alert.deviceId);
      if (!device) continue;
      const ds = this.deviceState(device);
      const rule = this.options.rules.activeRules(device.cityId, device.domain).find((r) => r.id === alert.ruleId);
      if (!rule) {
        this.clearOrphan(alert, 'the rule is disabled or no longer exists');
        continue;
      }
      const instance = this.instanceOf(ds, rule);
      instance.state = initialInstanceState(true, alert.severity);
      instance.alert = { id: alert.id };
      instance.writtenValue = alert.value;
    }
    this.options.logger.info({ active: active.length }, 'active alerts restored');
  }

  private restoreSystemAlert(alert: AlertRecord): void {
    const parsed = parseSystemDedupKey(alert.dedupKey);
    const rule = this.options.rules.activeRules(alert.cityId, 'system').find((r) => r.id === alert.ruleId);
    if (!parsed || !rule) {
      this.clearOrphan(alert, parsed ? 'the rule is disabled or no longer exists' : 'the alert names no reporting service');
      return;
    }
    const instance = this.instanceOf(this.systemState(parsed.source, alert.cityId), rule);
    instance.state = initialInstanceState(true, alert.severity);
    instance.alert = { id: alert.id };
    instance.writtenValue = alert.value;
  }

  /** Load the samples the rules need (the longest window back from now), device liveness and hourly baselines. */
  async seed(): Promise<void> {
    const { state, telemetry, rules, series, directory, clock } = this.options;
    const now = clock();
    const from = now - rules.longestLookbackMs();
    const cities = this.cities ? [...this.cities] : [undefined];
    let points = 0;
    for (const city of cities) {
      const devices = await state.listDevices({ status: 'active', ...(city ? { cityId: city } : {}) });
      for (const device of devices) {
        directory.rememberDevice(device);
        this.deviceState(device);
      }
      const domains = [...new Set(devices.map((d) => d.domain))];
      for (const domain of domains) {
        const raw = await telemetry.queryRaw({ domain, from, to: now + 5 * 60_000, ...(city ? { city } : {}) });
        for (const p of raw) {
          const ds = this.devices.get(p.device);
          if (!ds) continue;
          for (const [param, value] of Object.entries(p.values)) series.add(p.device, param, p.ts, value);
          points++;
        }
        for (const latest of await telemetry.latest({ domain, ...(city ? { city } : {}) })) {
          const ds = this.devices.get(latest.device);
          if (ds) ds.lastSeenAt = Math.max(ds.lastSeenAt ?? -Infinity, Math.min(latest.ts, now));
        }
      }
      const baseline = rules.baselineNeeds();
      if (baseline.parameters.size > 0) {
        const rows = await telemetry.queryRollups({ period: '1h', params: [...baseline.parameters], from: now - (baseline.maxDays + 1) * DAY_MS, to: now, ...(city ? { city } : {}) });
        for (const row of rows) series.setHourlyMean(row.device, row.param, row.start, row.mean);
      }
    }
    this.options.metrics.samples.set(series.size);
    this.options.logger.info({ devices: this.devices.size, points, samples: series.size, fromIso: new Date(from).toISOString() }, 'sample windows seeded from the telemetry store');
  }

  // ---- input

  /** Readings of one message of a registered, active device (already decoded and validated). */
  handleReadings(device: Device, readings: readonly DecodedReading[], receivedAt = this.options.clock()): void {
    if (!this.watches(device.cityId) || readings.length === 0) return;
    const ds = this.deviceState(device);
    ds.lastSeenAt = Math.max(ds.lastSeenAt ?? -Infinity, receivedAt);
    const sorted = [...readings].sort((a, b) => a.ts - b.ts);
    const params = new Set<string>();
    for (const reading of sorted) {
      for (const [param, value] of Object.entries(reading.values)) {
        this.options.series.add(device.id, param, reading.ts, value);
        params.add(param);
      }
    }
    this.options.metrics.readings.inc(sorted.length);
    this.options.metrics.samples.set(this.options.series.size);
    const rules = this.options.rules.activeRules(device.cityId, device.domain);
    const times = [...new Set(sorted.map((r) => r.ts))];
    const thinned = thinTimes(times, BATCH_STEP_MS);
    const newest = times[times.length - 1] as number;
    for (const rule of rules) {
      const windowed = isWindowed(rule);
      const instance = this.instanceOf(ds, rule);
      const last = instance.state.lastEvaluatedAt;
      // a fast live stream: windowed rules at most once per spacing, unless the data moved on by as much
      if (windowed && this.spacingMs > 0 && instance.lastRunAt !== null && receivedAt - instance.lastRunAt < this.spacingMs && (last === null || newest - last < this.spacingMs)) continue;
      instance.lastRunAt = receivedAt;
      // a batch (a device that buffered, a backfill) is judged along its times so that an episode inside it is not
      // skipped; windows move little in a few minutes, so windowed rules step through it every BATCH_STEP_MS
      let previous: number | null = null;
      for (const t of windowed ? thinned : times) {
        const at = last !== null && t < last ? last : t;
        if (at === previous) continue;
        previous = at;
        this.evaluate(ds, instance, at, receivedAt);
      }
    }
  }

  /** The broker's retained status of a device (online/offline since). */
  handleStatus(device: Device, online: boolean, since: number): void {
    if (!this.watches(device.cityId)) return;
    const ds = this.deviceState(device);
    ds.status = { online, since };
    const now = this.options.clock();
    for (const rule of this.options.rules.activeRules(device.cityId, device.domain)) {
      if (rule.conditions.some((c) => c.kind === 'offline')) this.evaluate(ds, this.instanceOf(ds, rule), now, now);
    }
  }

  /** A platform service's disk status, for each city it serves (the caller resolves "every city" to the list). */
  handleDiskReport(report: DiskReport, cityIds: readonly string[]): void {
    const now = this.options.clock();
    for (const cityId of cityIds) {
      if (!this.watches(cityId)) continue;
      const ss = this.systemState(report.source, cityId);
      ss.disk = report;
      for (const rule of this.options.rules.activeRules(cityId, 'system')) {
        if (rule.conditions.some((c) => c.kind === 'disk-space')) this.evaluate(ss, this.instanceOf(ss, rule), now, now);
      }
    }
  }

  // ---- evaluation

  private inputsOf(s: SubjectState): DeviceInputs {
    if (s.kind === 'system') return { domain: 'system', samples: () => [], lastSeenAt: null, status: null, disk: s.disk };
    const ds = s;
    const { series } = this.options;
    const id = ds.device.id;
    return {
      domain: ds.device.domain,
      samples: (parameter) => series.samples(id, parameter),
      lastSeenAt: ds.lastSeenAt,
      status: ds.status,
      hourlyMeans: (parameter) => series.hourlyMeans(id, parameter),
    };
  }

  /** evaluate at `at`, or at the instance's latest evaluation time when `at` is earlier (late data joins the window) */
  private evaluate(ds: SubjectState, instance: Instance, at: number, receivedAt: number): void {
    const last = instance.state.lastEvaluatedAt;
    const t = last !== null && at < last ? last : at;
    const inputs = this.inputsOf(ds);
    const outcomes = instance.rule.conditions.map((c) => evaluateCondition(c, inputs, t));
    const { state, step, observation } = stepRule(instance.rule, instance.state, outcomes, t);
    instance.state = state;
    if (state.active && observation) instance.observation = observation;
    this.options.metrics.evaluations.inc();
    switch (step.kind) {
      case 'raise':
        this.raise(ds, instance, step.severity, step.cause, step.at, receivedAt);
        return;
      case 'severity':
        this.changeSeverity(ds, instance, step.severity, step.cause, step.at);
        return;
      case 'clear':
        this.clear(ds, instance, step.last, step.at);
        return;
      case 'none':
        return;
    }
  }

  private newAlertId(): string {
    return `al-${this.options.clock().toString(36)}-${randomBytes(5).toString('hex')}`;
  }

  private raise(ds: SubjectState, instance: Instance, severity: AlertRecord['severity'], cause: ConditionOutcome, at: number, receivedAt: number): void {
    const subject = subjectOf(ds);
    const ref: AlertRef = { id: this.newAlertId() };
    instance.alert = ref;
    instance.observation = cause;
    instance.writtenValue = cause.value;
    this.raisedFrom.set(ref.id, receivedAt);
    this.options.metrics.transitions.inc({ transition: 'raised', severity });
    const input = {
      id: ref.id,
      dedupKey: `${subject.key}/${instance.rule.id}`,
      cityId: subject.cityId,
      siteId: subject.siteId,
      deviceId: subject.deviceId,
      domain: subject.domain,
      ruleId: instance.rule.id,
      severity,
      observation: observationOf(cause, ds),
      at,
    };
    this.ops.enqueue(`raise ${ref.id}`, async () => {
      const result = await this.options.repository.raise({ ...input, now: this.options.clock() });
      if (!result.created) {
        // another engine (or a previous run) holds the active alert of this device and rule: continue it
        this.raisedFrom.delete(ref.id);
        ref.id = result.alert.id;
        this.options.logger.info({ alertId: ref.id, subject: subject.key, ruleId: instance.rule.id }, 'alert already active; continuing it');
        return;
      }
      void this.options.publisher.pump();
    });
  }

  private changeSeverity(ds: SubjectState, instance: Instance, severity: AlertRecord['severity'], cause: ConditionOutcome, at: number): void {
    const ref = instance.alert;
    if (!ref) return;
    this.options.metrics.transitions.inc({ transition: 'severity_changed', severity });
    instance.writtenValue = cause.value;
    const observation = observationOf(cause, ds);
    this.ops.enqueue(`severity ${ref.id}`, async () => {
      const changed = await this.options.repository.transition(ref.id, { transition: 'severity_changed', severity, at, observation, now: this.options.clock() });
      if (changed) void this.options.publisher.pump();
    });
  }

  private clear(ds: SubjectState, instance: Instance, last: ConditionOutcome | null, at: number): void {
    const ref = instance.alert;
    instance.alert = null;
    instance.observation = null;
    instance.writtenValue = null;
    if (!ref) return;
    this.options.metrics.transitions.inc({ transition: 'cleared', severity: instance.rule.severity });
    const observation = last ? observationOf(last, ds) : undefined;
    this.ops.enqueue(`clear ${ref.id}`, async () => {
      const cleared = await this.options.repository.transition(ref.id, { transition: 'cleared', at, ...(observation ? { observation } : {}), now: this.options.clock() });
      if (cleared) void this.options.publisher.pump();
    });
  }

  private clearOrphan(alert: AlertRecord, note: string): void {
    this.options.logger.warn({ alertId: alert.id, ruleId: alert.ruleId }, `clearing an active alert: ${note}`);
    this.ops.enqueue(`clear ${alert.id}`, async () => {
      const now = this.options.clock();
      const cleared = await this.options.repository.transition(alert.id, { transition: 'cleared', at: now, note, now });
      if (cleared) void this.options.publisher.pump();
    });
  }

  // ---- periodic work

  /**
   * Evaluate every device at the current time (offline and no-data, windows sliding on without new data, quiet
   * periods), write the latest values of active alerts, escalate and remind, and publish what is pending.
   */
  tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = this.runTick().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async runTick(): Promise<void> {
    const now = this.options.clock();
    this.lastTickAt = now;
    try {
      await this.refreshOverrides(false);
      for (const ds of this.subjects()) {
        const rules = ds.kind === 'system' ? this.options.rules.activeRules(ds.cityId, 'system') : this.options.rules.activeRules(ds.device.cityId, ds.device.domain);
        const ids = new Set(rules.map((r) => r.id));
        for (const [ruleId, instance] of ds.instances) {
          if (ids.has(ruleId)) continue;
          ds.instances.delete(ruleId);
          if (instance.alert) this.clearOrphanRef(instance.alert, 'the rule was disabled or removed');
        }
        for (const rule of rules) this.evaluate(ds, this.instanceOf(ds, rule), now, now);
      }
      this.writeObservations();
      await this.escalateAndRemind(now);
      this.tickError = null;
    } catch (err) {
      this.tickError = (err as Error).message;
      this.options.metrics.dbErrors.inc();
      this.options.logger.warn({ err: (err as Error).message }, 'alerts tick failed; next tick retries');
    }
    this.options.metrics.activeAlerts.set(this.activeCount());
    await this.ops.idle();
    await this.options.publisher.pump();
  }

  private clearOrphanRef(ref: AlertRef, note: string): void {
    this.ops.enqueue(`clear ${ref.id}`, async () => {
      const now = this.options.clock();
      const cleared = await this.options.repository.transition(ref.id, { transition: 'cleared', at: now, note, now });
      if (cleared) void this.options.publisher.pump();
    });
  }

  private async refreshOverrides(force: boolean): Promise<void> {
    const now = this.options.clock();
    const every = this.options.overridesRefreshMs ?? 60_000;
    if (!force && this.lastOverridesAt !== null && now - this.lastOverridesAt < every) return;
    this.lastOverridesAt = now;
    const records = await this.options.repository.listRuleOverrides();
    this.options.rules.setStoredOverrides(records.filter((r) => this.watches(r.cityId)));
    // instances keep the rule object they were made with: refresh them
    for (const ds of this.subjects()) {
      for (const instance of ds.instances.values()) {
        const current = this.options.rules.rule(ds.kind === 'system' ? ds.cityId : ds.device.cityId, instance.rule.id);
        if (current && current !== instance.rule) instance.rule = current;
      }
    }
  }

  /** the latest value of each active alert whose value changed, in one write */
  private writeObservations(): void {
    const updates: { alertId: string; observation: AlertObservation; instance: Instance }[] = [];
    for (const ds of this.subjects()) {
      for (const instance of ds.instances.values()) {
        const o = instance.observation;
        if (!instance.alert || !o || o.value === null || o.value === instance.writtenValue) continue;
        updates.push({ alertId: instance.alert.id, observation: observationOf(o, ds), instance });
        instance.writtenValue = o.value;
      }
    }
    if (updates.length === 0) return;
    this.ops.enqueue(`observations (${updates.length})`, () => this.options.repository.updateObservations(updates.map(({ alertId, observation }) => ({ alertId, observation })), this.options.clock()));
  }

  /**
   * Escalation and reminders from the StateStore's view of each active alert: acknowledged there (by the API) means
   * no more escalation or reminders, and the repository re-checks it in the same statement.
   */
  private async escalateAndRemind(now: number): Promise<void> {
    const { repository, rules } = this.options;
    const active = this.cities ? (await Promise.all([...this.cities].map((cityId) => repository.listActive({ cityId })))).flat() : await repository.listActive();
    for (const alert of active) {
      if (alert.acknowledged || this.lifecycleQueued.has(alert.id)) continue;
      const rule = rules.rule(alert.cityId, alert.ruleId);
      if (!rule) continue;
      const escalation = rule.escalation;
      if (escalation && alert.escalationLevel < escalation.maxLevel && now - (alert.escalatedAt ?? alert.raisedAt) >= escalation.afterMs) {
        const level = alert.escalationLevel + 1;
        this.queueLifecycle(alert.id, `escalate ${alert.id} to ${level}`, () => repository.transition(alert.id, { transition: 'escalated', escalationLevel: level, at: now, now }));
        this.options.metrics.transitions.inc({ transition: 'escalated', severity: alert.severity });
        continue;
      }
      if (rule.reminderEveryMs !== null && now - alert.lastNotifiedAt >= rule.reminderEveryMs) {
        this.queueLifecycle(alert.id, `remind ${alert.id}`, () => repository.transition(alert.id, { transition: 'reminder', at: now, now }));
        this.options.metrics.transitions.inc({ transition: 'reminder', severity: alert.severity });
      }
    }
  }

  private queueLifecycle(alertId: string, label: string, op: () => Promise<unknown>): void {
    this.lifecycleQueued.add(alertId);
    this.ops.enqueue(label, async () => {
      try {
        await op();
      } finally {
        this.lifecycleQueued.delete(alertId);
      }
    });
  }

  /** wait until every StateStore write decided so far is done and published */
  async flush(): Promise<void> {
    await this.ops.idle();
    await this.options.publisher.pump();
  }

  // ---- state

  private *subjects(): Iterable<SubjectState> {
    yield* this.devices.values();
    yield* this.systems.values();
  }

  private systemState(source: string, cityId: string): SystemState {
    const key = systemKey(source, cityId);
    let ss = this.systems.get(key);
    if (!ss) {
      ss = { kind: 'system', key, source, cityId, disk: null, instances: new Map() };
      this.systems.set(key, ss);
    }
    return ss;
  }

  private deviceState(device: Device): DeviceState {
    let ds = this.devices.get(device.id);
    if (!ds) {
      ds = { kind: 'device', device, lastSeenAt: null, status: null, instances: new Map() };
      this.devices.set(device.id, ds);
    } else if (ds.device !== device) {
      ds.device = device;
    }
    return ds;
  }

  private instanceOf(ds: SubjectState, rule: AlertRule): Instance {
    let instance = ds.instances.get(rule.id);
    if (!instance) {
      instance = { rule, state: initialInstanceState(), alert: null, observation: null, writtenValue: null, lastRunAt: null };
      ds.instances.set(rule.id, instance);
    } else if (instance.rule !== rule) {
      instance.rule = rule;
    }
    return instance;
  }

  private activeCount(): number {
    let n = 0;
    for (const ds of this.subjects()) for (const instance of ds.instances.values()) if (instance.alert) n++;
    return n;
  }

  health(): EngineHealth {
    let instances = 0;
    for (const ds of this.subjects()) instances += ds.instances.size;
    return {
      devices: this.devices.size,
      instances,
      activeAlerts: this.activeCount(),
      samples: this.options.series.size,
      pendingOperations: this.ops.pending,
      lastTickAt: this.lastTickAt,
      lastError: this.tickError ?? this.ops.lastError ?? this.options.publisher.lastError,
    };
  }
}
