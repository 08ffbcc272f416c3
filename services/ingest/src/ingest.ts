import {
  DAY_MS,
  HOUR_MS,
  decodeTelemetry,
  parseDeviceTopic,
  parseRegistryEventTopic,
  REGISTRY_EVENTS_FILTER,
  telemetryFilter,
  TopicError,
  type DeadLetter,
  type DecodeOptions,
  type TelemetryPoint,
} from '@mueang/core';
import type { Device, TelemetryStore } from '@mueang/storage';
import mqtt, { type MqttClient } from 'mqtt';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { Registry } from 'prom-client';
import { deadLetter, type DeadLetterContext } from './dead-letters.ts';
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
}

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
  private rollupTimer: NodeJS.Timeout | null = null;
  private retentionTimer: NodeJS.Timeout | null = null;
  /** messages whose registry lookup is still under way */
  private readonly lookups = new Set<Promise<void>>();
  private received = 0;

  constructor(private readonly options: IngestOptions) {
    this.log = options.logger ?? pino({ name: 'ingest' });
    this.metrics = options.metricsRegistry ?? new Registry();
    this.m = createIngestMetrics(this.metrics);
    this.registry = new RegistryCache(options.registry);
    this.journal = new Journal({ dir: options.journalDir });
    this.rollups = new RollupScheduler(options.store, path.join(options.journalDir, 'rollups-dirty.txt'));
    this.maxPendingPoints = options.maxPendingPoints ?? 200_000;
    this.maxJournalBytes = options.maxJournalBytes ?? 1024 ** 3;
    this.writer = new StoreWriter(
      options.store,
      options.writer,
      {
        onWritten: (batch) => {
          this.journal.commit(batch.seqs);
          this.rollups.markDirty(batch.points);
          let values = 0;
          for (const p of batch.points) for (const _ in p.values) values++;
          this.m.points.inc(values);
          for (const d of batch.deadLetters) this.m.deadLetters.inc({ reason: d.reason });
          this.updateGauges();
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
    const interval = this.options.rollupIntervalMs ?? 30_000;
    if (interval > 0) {
      this.rollupTimer = setInterval(() => {
        this.runRollups().catch((err: unknown) => this.log.warn({ err }, 'rollup run failed; will retry'));
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
    });
    this.client = client;
    // Append to the journal before the PUBACK goes out (mqtt.js sends it when `done` is called),
    // and hold the PUBACK while the store is behind: QoS 1 back-pressure instead of unbounded memory.
    client.handleMessage = (packet, done) => {
      const changed = parseRegistryEventTopic(packet.topic);
      if (changed) {
        this.registry.invalidate(changed);
        done();
        return;
      }
      this.received++;
      const receivedAt = Date.now();
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      const seq = this.journal.append(receivedAt, packet.topic, payload);
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
          resolve();
          return;
        }
        // one filter per SUBSCRIBE: a multi-filter SUBSCRIBE never completes on aedes 1.2 with
        // aedes-persistence-redis 11 (measured here), so the two are sent one after the other
        void (async () => {
          for (const filter of [telemetryFilter(city), REGISTRY_EVENTS_FILTER]) await client.subscribeAsync(filter, { qos: 1 });
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
    this.m.messages.inc();
    const ctx: DeadLetterContext = { receivedAt: msg.receivedAt, topic: msg.topic, payload: msg.payload };
    let parsed;
    try {
      parsed = parseDeviceTopic(msg.topic);
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
    const result = decodeTelemetry(device.domain, msg.payload, { ...this.options.decode, receivedAt: msg.receivedAt });
    const points: TelemetryPoint[] = [];
    for (const reading of result.readings) {
      points.push({ ts: reading.ts, city: device.cityId, site: device.siteId, device: device.id, domain: device.domain, values: reading.values });
    }
    const rejected: DeadLetter[] = result.rejections.map((r) => deadLetter(ctx, r.code, r.message, r.param));
    this.m.readings.inc(points.length);
    this.writer.add(points, rejected, msg.seq);
    this.updateGauges();
  }

  private updateGauges(): void {
    this.m.pendingPoints.set(this.writer.pendingPoints);
    this.m.journalBytes.set(this.journal.bytes);
    this.m.journalMessages.set(this.journal.outstanding);
    this.m.journalAgeSeconds.set(this.journal.oldestAgeMs() / 1000);
  }

  private async flushPipeline(): Promise<void> {
    while (this.lookups.size > 0) await Promise.allSettled([...this.lookups]);
    await this.writer.flush();
  }

  private async runRollups(): Promise<void> {
    const rows = await this.rollups.run();
    this.m.rollupRows.inc(rows);
  }

  /** telemetry messages taken from the broker since start (acknowledged or about to be) */
  get messagesReceived(): number {
    return this.received;
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
    const client = this.client;
    if (client) {
      // stop taking messages first; unacknowledged ones stay with the broker's session
      await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    }
    await this.flushPipeline();
    try {
      await this.runRollups();
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
    };
  }
}

export async function startIngest(options: IngestOptions): Promise<Ingest> {
  const ingest = new Ingest(options);
  await ingest.start();
  return ingest;
}
