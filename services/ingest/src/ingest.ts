import {
  DAY_MS,
  HOUR_MS,
  decodeTelemetry,
  parseDeviceTopic,
  parseRegistryEventTopic,
  parseRollupRebuild,
  REGISTRY_EVENTS_FILTER,
  ROLLUP_REBUILD_TOPIC,
  telemetryFilter,
  TopicError,
  type DeadLetter,
  type DecodeOptions,
  type DeviceTopic,
  type DiskLevel,
  type DiskReport,
  type DiskThresholds,
  type TelemetryPoint,
} from '@mueang/core';
import { isDiskFullError, type Device, type TelemetryStore } from '@mueang/storage';
import mqtt, { type MqttClient } from 'mqtt';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { Registry } from 'prom-client';
import { deadLetter, type DeadLetterContext } from './dead-letters.ts';
import { DiskMonitor, type DiskMonitorOptions } from './disk-monitor.ts';
import { HeldWrites } from './held-writes.ts';
import { Journal } from './journal.ts';
import { createIngestMetrics, type IngestMetrics } from './metrics.ts';
import { RegistryCache, type DeviceLookup } from './registry-cache.ts';
import { RollupScheduler } from './rollups.ts';
import { StoreWriter, type StoreWriterOptions } from './store-writer.ts';

export interface IngestOptions {
  mqtt: {
    url: string;
    username?: string;
    password?: string;
    /** fixed id so the broker keeps the persistent session across restarts */
    clientId?: string;
    /** subscribe to one city only (ingest partitions by city; Aedes has no shared subscriptions) */
    city?: string;
  };
  store: TelemetryStore;
  registry: DeviceLookup;
  /** directory of the write-ahead journal (received, not yet stored messages) */
  journalDir: string;
  writer?: StoreWriterOptions;
  /** stop acknowledging new messages while more points than this wait for the store (bounds memory) */
  maxPendingPoints?: number;
  /** stop acknowledging new messages while the journal holds more than this many bytes not yet stored (bounds disk) */
  maxJournalBytes?: number;
  /** how often dirty hours are rolled up; 0 = only on flush() */
  rollupIntervalMs?: number;
  decode?: Partial<Omit<DecodeOptions, 'receivedAt'>>;
  /** delete raw readings and dead letters older than this many days (hourly); rollups are kept. Unset = keep. */
  retention?: { rawDays?: number; deadLetterDays?: number };
  /**
   * Disk space of the journal's and the embedded store's volumes: metrics, and a retained status on
   * mueang/system/ingest-{city|all}/disk for the alerts service. Default: sampled every 30 s with the default
   * thresholds; false = off.
   */
  disk?: { thresholds?: DiskThresholds; intervalMs?: number; statfs?: DiskMonitorOptions['statfs'] } | false;
  logger?: Logger;
  metricsRegistry?: Registry;
}

export interface IngestHealth {
  ok: boolean;
  mqttConnected: boolean;
  pendingPoints: number;
  journalMessages: number;
  journalBytes: number;
  /** age of the oldest message not yet stored, seconds */
  bufferAgeS: number;
  lastWriteAt: number | null;
  lastError: string | null;
  /** worst disk level of the journal's and the store's volumes (null before the first sample or when off) */
  disk: DiskLevel | null;
}

/** how long the final rollup run at stop may start new days (the rest is noted and done after the next start) */
const FINAL_ROLLUP_BUDGET_MS = 5_000;

/** parsed topics kept (one per device); the cache is emptied when full */
const MAX_CACHED_TOPICS = 100_000;

export interface IngestHandle {
  /** write everything received so far and compute its rollups */
  flush(): Promise<void>;
  /** unsubscribe from nothing (the session persists), drain in-flight batches, close */
  stop(): Promise<void>;
  health(): IngestHealth;
  readonly metrics: Registry;
}

interface Received {
  seq: number | null;
  receivedAt: number;
  topic: string;
  payload: Buffer;
}

/**
 * The ingest pipeline: MQTT (persistent session, QoS 1) -> journal -> validate -> enrich with
 * registry tags -> batch -> TelemetryStore, with dead letters for everything rejected and
 * hourly/daily rollups of what was stored.
 */
export class Ingest implements IngestHandle {
  readonly metrics: Registry;
  private readonly m: IngestMetrics;
  private readonly log: Logger;
  private readonly registry: RegistryCache;
  private readonly journal: Journal;
  private readonly writer: StoreWriter;
  private readonly rollups: RollupScheduler;
  private readonly maxPendingPoints: number;
  private readonly maxJournalBytes: number;
  private client: MqttClient | null = null;
  /** the connection's writes, held (PUBACKs) until the journal is written (see holdAcksUntilJournaled) */
  private writes: HeldWrites | null = null;
  private rollupTimer: NodeJS.Timeout | null = null;
  private retentionTimer: NodeJS.Timeout | null = null;
  private readonly topics = new Map<string, DeviceTopic>();
  private readonly decodeOptions: DecodeOptions;
  /** messages whose registry lookup is still under way */
  private readonly lookups = new Set<Promise<void>>();
  private received = 0;
  /** messages validated (replayed ones included) and readings accepted: the counters' sources */
  private processed = 0;
  private accepted = 0;
  private disk: DiskMonitor | null = null;
  /** stored messages whose rollup hours could not be noted on disk yet: the journal keeps them until they are */
  private unnoted: number[] = [];
  private journalErrorLoggedAt = -Infinity;

  constructor(private readonly options: IngestOptions) {
    this.log = options.logger ?? pino({ name: 'ingest' });
    this.metrics = options.metricsRegistry ?? new Registry();
    this.registry = new RegistryCache(options.registry);
    this.journal = new Journal({ dir: options.journalDir });
    this.m = createIngestMetrics(this.metrics, {
      messages: () => this.processed,
      readings: () => this.accepted,
      pendingPoints: () => this.writer.pendingPoints,
      journalBytes: () => this.journal.bytes,
      journalMessages: () => this.journal.outstanding,
      journalAgeSeconds: () => this.journal.oldestAgeMs() / 1000,
      rollupDirtyHours: () => this.rollups.dirtyHours,
    });
    this.rollups = new RollupScheduler(options.store, path.join(options.journalDir, 'rollups-dirty.txt'));
    this.decodeOptions = { ...options.decode, receivedAt: 0 };
    this.maxPendingPoints = options.maxPendingPoints ?? 200_000;
    this.maxJournalBytes = options.maxJournalBytes ?? 1024 ** 3;
    this.writer = new StoreWriter(
      options.store,
      options.writer,
      {
        onWritten: (batch) => {
          this.rollups.markDirty(batch.points);
          this.commitNoted(batch.seqs);
          let values = 0;
          for (const p of batch.points) for (const _ in p.values) values++;
          this.m.points.inc(values);
          for (const d of batch.deadLetters) this.m.deadLetters.inc({ reason: d.reason });
        },
        onRetry: () => this.m.writeRetries.inc(),
        onWriteDuration: (seconds) => this.m.writeSeconds.observe(seconds),
      },
      this.log,
    );
  }

  async start(): Promise<void> {
    const leftovers = this.journal.recover();
    if (leftovers.length > 0) {
      this.log.info({ messages: leftovers.length }, 'replaying messages received but not stored before the last stop');
      for (const record of leftovers) this.process(record);
      await this.flushPipeline();
    }
    await this.connect();
    if (this.options.disk !== false) {
      const city = this.options.mqtt.city ?? null;
      this.disk = new DiskMonitor({
        source: `ingest-${city ?? 'all'}`,
        city,
        journalDir: this.options.journalDir,
        store: this.options.store,
        thresholds: this.options.disk?.thresholds,
        intervalMs: this.options.disk?.intervalMs,
        statfs: this.options.disk?.statfs,
        publish: (topic, payload) => this.client?.publish(topic, payload, { qos: 1, retain: true }),
        registry: this.metrics,
        logger: this.log,
      });
      this.disk.start();
    }
    const interval = this.options.rollupIntervalMs ?? 30_000;
    if (interval > 0) {
      // each run stops starting days after most of the interval: a rebuild of months goes on run after run
      const budget = Math.max(1000, Math.round(interval * 0.7));
      this.rollupTimer = setInterval(() => {
        this.runRollups(budget).catch((err: unknown) => this.log.warn({ err }, 'rollup run failed; will retry'));
      }, interval);
      this.rollupTimer.unref();
    }
    const { rawDays, deadLetterDays } = this.options.retention ?? {};
    if (rawDays !== undefined || deadLetterDays !== undefined) {
      const apply = () => {
        this.applyRetention().catch((err: unknown) => this.log.warn({ err }, 'retention run failed; will retry in an hour'));
      };
      apply();
      this.retentionTimer = setInterval(apply, HOUR_MS);
      this.retentionTimer.unref();
    }
  }

  /** delete what is older than the retention periods (rollups and alert events stay) */
  async applyRetention(now = Date.now()): Promise<void> {
    const { rawDays, deadLetterDays } = this.options.retention ?? {};
    const cutoff = {
      ...(rawDays !== undefined ? { pointsBefore: now - rawDays * DAY_MS } : {}),
      ...(deadLetterDays !== undefined ? { deadLettersBefore: now - deadLetterDays * DAY_MS } : {}),
    };
    await this.options.store.deleteBefore(cutoff);
    this.log.info({ rawDays, deadLetterDays }, 'retention applied');
  }

  private connect(): Promise<void> {
    const { url, username, password, city } = this.options.mqtt;
    const clientId = this.options.mqtt.clientId ?? `mueang-ingest-${city ?? 'all'}`;
    const client = mqtt.connect(url, {
      clientId,
      username,
      password,
      clean: false,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      resubscribe: true,
      // mqtt.js traces every packet through the `debug` module (a dozen calls per message, each
      // allocating its arguments even when off): measured at several percent of ingest's CPU.
      // Ingest turns them off; to watch its traffic, subscribe to the same topics with mosquitto_sub.
      log: () => undefined,
    });
    this.client = client;
    // Journal before the PUBACK goes out (mqtt.js writes it when `done` is called; see
    // holdAcksUntilJournaled), and hold the PUBACK while the store is behind: QoS 1 back-pressure
    // instead of unbounded memory.
    client.handleMessage = (packet, done) => {
      const changed = parseRegistryEventTopic(packet.topic);
      if (changed) {
        this.registry.invalidate(changed);
        done();
        return;
      }
      if (packet.topic === ROLLUP_REBUILD_TOPIC) {
        this.takeRebuildRequest(packet.payload);
        done();
        return;
      }
      this.received++;
      const receivedAt = Date.now();
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      let seq: number;
      try {
        this.holdAcksUntilJournaled(client);
        seq = this.journal.stage(receivedAt, packet.topic, payload);
      } catch (err) {
        this.dropUnjournaled(err);
        return;
      }
      this.process({ seq, receivedAt, topic: packet.topic, payload });
      if (this.bufferFull()) this.holdAck(done);
      else done();
    };
    client.on('error', (err) => this.log.warn({ err: err.message }, 'mqtt error'));
    client.on('offline', () => this.log.warn('mqtt offline; reconnecting'));
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        if (!client.connected) reject(new Error(`ingest could not connect to the MQTT broker at ${url}: ${err.message}`));
      };
      client.once('error', onError);
      client.once('connect', (connack) => {
        client.off('error', onError);
        if (connack.sessionPresent) {
          // a session from before the rebuild topic existed lacks it; subscribing again changes nothing otherwise
          client.subscribeAsync(ROLLUP_REBUILD_TOPIC, { qos: 1 }).catch((err: Error) => this.log.warn({ err: err.message }, 'could not subscribe to rollup rebuild requests'));
          resolve();
          return;
        }
        // one filter per SUBSCRIBE: a multi-filter SUBSCRIBE never completes on aedes 1.2 with
        // aedes-persistence-redis 11 (measured here), so they are sent one after the other
        void (async () => {
          for (const filter of [telemetryFilter(city), REGISTRY_EVENTS_FILTER, ROLLUP_REBUILD_TOPIC]) await client.subscribeAsync(filter, { qos: 1 });
        })().then(
          () => {
            this.log.info({ filter: telemetryFilter(city), clientId }, 'ingest subscribed');
            resolve();
          },
          (err: Error) => reject(new Error(`ingest could not subscribe to ${telemetryFilter(city)}: ${err.message}`)),
        );
      });
    });
  }

  /**
   * Journal before PUBACK, one journal write and one socket write per burst instead of one each
   * per message. mqtt.js takes the packets of a socket read one after the other, each once the
   * previous one's PUBACK is written to the socket. The first message of a burst holds the
   * connection's writes, so the PUBACKs stay in this process, and schedules the end of the burst
   * after the packets at hand (setImmediate): then the staged journal records are written at once
   * and only after that the PUBACKs go out, together.
   */
  private holdAcksUntilJournaled(client: MqttClient): void {
    if (this.writes?.held) return;
    // a reconnection brings a new stream
    if (this.writes?.stream !== client.stream) this.writes = new HeldWrites(client.stream);
    this.writes.hold();
    setImmediate(() => this.releaseAcks());
  }

  /** write the staged journal records, then let the PUBACKs held since go out */
  private releaseAcks(): void {
    if (!this.writes?.held) return;
    try {
      this.journal.flush();
    } catch (err) {
      this.dropUnjournaled(err);
      return;
    }
    this.writes.release();
  }

  /**
   * The journal could not be written: the PUBACKs held for its records must not go out. Closing
   * the connection discards them; the broker keeps the messages in ingest's session and sends them
   * again after the reconnection.
   */
  private dropUnjournaled(err: unknown): void {
    this.writes?.drop();
    const stream = this.writes?.stream ?? this.client?.stream;
    const code = (err as { code?: unknown }).code;
    this.m.journalWriteErrors.inc({ code: typeof code === 'string' ? code : 'other' });
    // the broker redelivers after each reconnection: one line a minute is enough
    const now = Date.now();
    if (now - this.journalErrorLoggedAt >= 60_000) {
      this.journalErrorLoggedAt = now;
      const why = isDiskFullError(err)
        ? `the disk holding ${this.options.journalDir} is full or over quota: free space there (RETENTION_RAW_DAYS, old files) or enlarge the volume`
        : `check ${this.options.journalDir} (permissions, file system)`;
      this.log.error({ err }, `cannot write the journal; nothing is acknowledged (the broker keeps the messages and devices retry) until it can: ${why}`);
    }
    stream?.destroy();
  }

  /** let the journal forget stored messages once the hours they touched are noted for the rollups */
  private commitNoted(seqs: readonly number[]): void {
    if (!this.rollups.notesSaved) {
      for (const seq of seqs) this.unnoted.push(seq);
      return;
    }
    if (this.unnoted.length > 0) {
      this.journal.commit(this.unnoted);
      this.unnoted = [];
    }
    this.journal.commit(seqs);
  }

  private bufferFull(): boolean {
    return this.writer.pendingPoints >= this.maxPendingPoints || this.journal.bytes >= this.maxJournalBytes;
  }

  /**
   * The buffer is full: keep the PUBACK until it has drained to half, so the broker stops sending
   * (mqtt.js takes the next packet only after this one is acknowledged) and QoS 1 back-pressure
   * reaches the devices, instead of memory or disk growing without bound.
   */
  private holdAck(done: () => void): void {
    this.m.heldAcks.set(1);
    this.m.heldAcksTotal.inc();
    this.log.warn({ pendingPoints: this.writer.pendingPoints, journalBytes: this.journal.bytes }, 'buffer full; holding acknowledgements until the store catches up');
    const check = () => {
      if (this.writer.pendingPoints < this.maxPendingPoints / 2 && this.journal.bytes < this.maxJournalBytes / 2) {
        this.m.heldAcks.set(0);
        done();
      } else setTimeout(check, 50);
    };
    check();
  }

  /** Validate and enrich one message; synchronous on a registry cache hit. */
  process(msg: Received): void {
    this.processed++;
    const ctx: DeadLetterContext = { receivedAt: msg.receivedAt, topic: msg.topic, payload: msg.payload };
    let parsed;
    try {
      parsed = this.parseTopic(msg.topic);
    } catch (error) {
      const reason = error instanceof TopicError ? error.code : 'topic.malformed';
      this.writer.add([], [deadLetter(ctx, reason, (error as Error).message)], msg.seq);
      return;
    }
    ctx.city = parsed.city;
    ctx.domain = parsed.domain;
    ctx.device = parsed.deviceId;
    if (parsed.channel !== 'telemetry') {
      this.writer.add([], [deadLetter(ctx, 'topic.channel', `ingest only takes telemetry topics, got ${parsed.channel}`)], msg.seq);
      return;
    }
    const cached = this.registry.peek(parsed.deviceId);
    if (cached !== undefined) {
      this.accept(msg, ctx, cached);
      return;
    }
    const lookup = this.registry
      .get(parsed.deviceId)
      .then(
        (device) => this.accept(msg, ctx, device),
        (error: unknown) => {
          // the registry is unreachable: keep the message rather than judge it
          this.log.warn({ err: error, device: parsed.deviceId }, 'registry lookup failed; message kept for retry');
          setTimeout(() => this.process(msg), 1000).unref();
        },
      )
      .finally(() => this.lookups.delete(lookup));
    this.lookups.add(lookup);
  }

  /** each device's topic is parsed once, not per message (parsed topics are not modified) */
  private parseTopic(topic: string): DeviceTopic {
    let parsed = this.topics.get(topic);
    if (parsed === undefined) {
      parsed = parseDeviceTopic(topic);
      if (this.topics.size >= MAX_CACHED_TOPICS) this.topics.clear();
      this.topics.set(topic, parsed);
    }
    return parsed;
  }

  private accept(msg: Received, ctx: DeadLetterContext, device: Device | null): void {
    const deviceId = ctx.device!;
    if (!device) {
      this.writer.add([], [deadLetter(ctx, 'device.unknown', `device "${deviceId}" is not in the registry; provision it first`)], msg.seq);
      return;
    }
    if (device.status !== 'active') {
      this.writer.add([], [deadLetter(ctx, 'device.revoked', `device "${deviceId}" is ${device.status}; readings are not accepted`)], msg.seq);
      return;
    }
    if (device.cityId !== ctx.city || device.domain !== ctx.domain) {
      this.writer.add(
        [],
        [
          deadLetter(
            ctx,
            'device.topic_mismatch',
            `device "${deviceId}" is registered as ${device.cityId}/${device.domain} but published under ${ctx.city}/${ctx.domain}; publish to v1/${device.cityId}/${device.domain}/${deviceId}/telemetry`,
          ),
        ],
        msg.seq,
      );
      return;
    }
    // decodeTelemetry does not keep its options: one object serves every message
    this.decodeOptions.receivedAt = msg.receivedAt;
    const result = decodeTelemetry(device.domain, msg.payload, this.decodeOptions);
    const points: TelemetryPoint[] = [];
    for (const reading of result.readings) {
      points.push({ ts: reading.ts, city: device.cityId, site: device.siteId, device: device.id, domain: device.domain, values: reading.values });
    }
    const rejected: DeadLetter[] = result.rejections.length === 0 ? [] : result.rejections.map((r) => deadLetter(ctx, r.code, r.message, r.param));
    this.accepted += points.length;
    this.writer.add(points, rejected, msg.seq);
  }

  private async flushPipeline(): Promise<void> {
    while (this.lookups.size > 0) await Promise.allSettled([...this.lookups]);
    await this.writer.flush();
  }

  /** a rollup rebuild request: its hours are noted (on disk) before the PUBACK goes out; a bad one is logged and counted */
  private takeRebuildRequest(payload: Buffer | string): void {
    const parsed = parseRollupRebuild(payload);
    if (!parsed.ok) {
      this.m.rollupRebuilds.inc({ result: 'refused' });
      this.log.warn({ topic: ROLLUP_REBUILD_TOPIC, reason: parsed.error }, 'rollup rebuild request refused');
      return;
    }
    const { from, to, domains, requestedBy } = parsed.request;
    const { hours, noted } = this.rollups.requestRebuild(domains, from, to);
    this.m.rollupRebuilds.inc({ result: 'accepted' });
    this.log.info({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), domains, requestedBy, hours, noted }, 'rollup rebuild requested: hours marked for recomputation');
  }

  private async runRollups(budgetMs?: number): Promise<void> {
    const rows = await this.rollups.run(budgetMs);
    this.m.rollupRows.inc(rows);
    this.commitNoted([]);
  }

  /** telemetry messages taken from the broker since start (acknowledged or about to be) */
  get messagesReceived(): number {
    return this.received;
  }

  /** sample the disks now (also done every `disk.intervalMs`); null when off or nothing could be read */
  async sampleDisk(): Promise<DiskReport | null> {
    return (await this.disk?.sample()) ?? null;
  }

  /** forget cached registry entries (after a device changed) */
  invalidateDevice(id?: string): void {
    this.registry.invalidate(id);
  }

  async flush(): Promise<void> {
    await this.flushPipeline();
    await this.runRollups();
  }

  async stop(): Promise<void> {
    if (this.rollupTimer) clearInterval(this.rollupTimer);
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    await this.disk?.stop();
    const client = this.client;
    if (client) {
      // journal what PUBACKs are held for, and send them, before the connection ends
      this.releaseAcks();
      // stop taking messages first; unacknowledged ones stay with the broker's session
      await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    }
    await this.flushPipeline();
    try {
      // bounded: what is left (a rebuild under way) stays noted and goes on after the next start
      await this.runRollups(FINAL_ROLLUP_BUDGET_MS);
    } catch (err) {
      this.log.warn({ err }, 'final rollup run failed; the hours stay marked and are recomputed after the next start');
    }
    this.journal.close();
  }

  health(): IngestHealth {
    const mqttConnected = this.client?.connected ?? false;
    return {
      ok: mqttConnected && this.writer.lastError === null,
      mqttConnected,
      pendingPoints: this.writer.pendingPoints,
      journalMessages: this.journal.outstanding,
      journalBytes: this.journal.bytes,
      bufferAgeS: Math.round(this.journal.oldestAgeMs() / 100) / 10,
      lastWriteAt: this.writer.lastWriteAt,
      lastError: this.writer.lastError,
      disk: this.disk?.last?.level ?? null,
    };
  }
}

export async function startIngest(options: IngestOptions): Promise<Ingest> {
  const ingest = new Ingest(options);
  await ingest.start();
  return ingest;
}
