import type { DeadLetter, TelemetryPoint } from '@mueang/core';
import type { TelemetryStore } from '@mueang/storage';
import type { Logger } from 'pino';

export interface StoreWriterOptions {
  /** flush when this many points are queued */
  maxBatchPoints?: number;
  /** flush at the latest this long after the first queued item */
  maxDelayMs?: number;
  /** first retry delay after a transient failure; doubles up to maxRetryDelayMs */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** failures of an error without a `retryable` flag tolerated before it is treated as permanent */
  unknownErrorAttempts?: number;
}

export interface WrittenBatch {
  seqs: number[];
  points: TelemetryPoint[];
  deadLetters: DeadLetter[];
}

export interface StoreWriterEvents {
  /** a batch is in the store (or its rejected points were dead-lettered) */
  onWritten?: (batch: WrittenBatch) => void;
  /** a write attempt failed and will be retried */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** points the store refused as bad data, turned into dead letters */
  onRejected?: (points: TelemetryPoint[], error: unknown) => void;
  /** duration of a successful write, seconds */
  onWriteDuration?: (seconds: number, points: number) => void;
}

interface Batch {
  seqs: number[];
  points: TelemetryPoint[];
  deadLetters: DeadLetter[];
}

/**
 * Batches points and dead letters (bounded by size and time) and writes one batch at a time,
 * in order. A transient store failure (connection refused, 5xx, timeout) is retried with
 * backoff until it succeeds; nothing queued is dropped. Points the store refuses as bad data
 * become dead letters. Callers apply back-pressure by watching `pendingPoints`.
 */
export class StoreWriter {
  private readonly maxBatchPoints: number;
  private readonly maxDelayMs: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly unknownErrorAttempts: number;
  private queue: Batch[] = [];
  private open: Batch = emptyBatch();
  private timer: NodeJS.Timeout | null = null;
  private writing = false;
  private closed = false;
  private queuedPoints = 0;
  private idleWaiters: Array<() => void> = [];
  private drainWaiters: Array<{ below: number; resolve: () => void }> = [];
  lastWriteAt: number | null = null;
  lastError: string | null = null;

  constructor(
    private readonly store: TelemetryStore,
    options: StoreWriterOptions = {},
    private readonly events: StoreWriterEvents = {},
    private readonly log?: Logger,
  ) {
    this.maxBatchPoints = options.maxBatchPoints ?? 5000;
    this.maxDelayMs = options.maxDelayMs ?? 200;
    this.retryDelayMs = options.retryDelayMs ?? 250;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 10_000;
    this.unknownErrorAttempts = options.unknownErrorAttempts ?? 5;
  }

  /** points queued or being written */
  get pendingPoints(): number {
    return this.queuedPoints;
  }

  add(points: TelemetryPoint[], deadLetters: DeadLetter[], seq: number | null): void {
    if (this.closed) throw new Error('StoreWriter is closed');
    const batch = this.open;
    for (const p of points) batch.points.push(p);
    for (const d of deadLetters) batch.deadLetters.push(d);
    if (seq !== null) batch.seqs.push(seq);
    this.queuedPoints += points.length;
    if (batch.points.length + batch.deadLetters.length >= this.maxBatchPoints) this.seal();
    else if (!this.timer) this.timer = setTimeout(() => this.seal(), this.maxDelayMs);
  }

  /** resolves when everything added so far is written */
  async flush(): Promise<void> {
    this.seal();
    if (!this.writing && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** resolves once fewer than `below` points are pending (back-pressure) */
  waitForDrain(below: number): Promise<void> {
    if (this.queuedPoints < below) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push({ below, resolve }));
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private seal(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.open;
    if (batch.points.length === 0 && batch.deadLetters.length === 0 && batch.seqs.length === 0) return;
    this.open = emptyBatch();
    this.queue.push(batch);
    if (!this.writing) void this.pump();
  }

  private async pump(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const batch = this.queue[0]!;
      await this.writeBatch(batch);
      this.queue.shift();
      this.queuedPoints -= batch.points.length;
      this.lastWriteAt = Date.now();
      this.events.onWritten?.(batch);
      this.releaseDrainWaiters();
    }
    this.writing = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private releaseDrainWaiters(): void {
    if (this.drainWaiters.length === 0) return;
    const still: typeof this.drainWaiters = [];
    for (const w of this.drainWaiters) {
      if (this.queuedPoints < w.below) w.resolve();
      else still.push(w);
    }
    this.drainWaiters = still;
  }

  private async writeBatch(batch: Batch): Promise<void> {
    if (batch.points.length > 0) {
      const rejected = await this.withRetry('points', () => this.store.writePoints(batch.points));
      if (rejected) {
        this.events.onRejected?.(batch.points, rejected);
        for (const p of batch.points) batch.deadLetters.push(storeRejected(p, rejected));
        batch.points = [];
      }
    }
    if (batch.deadLetters.length > 0) {
      const rejected = await this.withRetry('dead letters', () => this.store.writeDeadLetters(batch.deadLetters));
      if (rejected) {
        // a dead letter the store will not take is logged in full: the log is then its only record
        this.log?.error({ err: rejected, deadLetters: batch.deadLetters }, 'store refused dead letters; logged here instead');
      }
    }
  }

  /** retries transient failures forever; returns the error when the store refuses the data itself */
  private async withRetry(what: string, write: () => Promise<void>): Promise<unknown | null> {
    let delay = this.retryDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const started = performance.now();
        await write();
        this.events.onWriteDuration?.((performance.now() - started) / 1000, 0);
        this.lastError = null;
        return null;
      } catch (error) {
        const retryable = (error as { retryable?: unknown }).retryable;
        this.lastError = error instanceof Error ? error.message : String(error);
        if (retryable === false || (retryable === undefined && attempt >= this.unknownErrorAttempts)) return error;
        this.events.onRetry?.(error, attempt, delay);
        this.log?.warn({ err: error, attempt, delayMs: delay }, `writing ${what} failed; retrying`);
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, this.maxRetryDelayMs);
      }
    }
  }
}

function emptyBatch(): Batch {
  return { seqs: [], points: [], deadLetters: [] };
}

function storeRejected(point: TelemetryPoint, error: unknown): DeadLetter {
  const message = error instanceof Error ? error.message : String(error);
  return {
    receivedAt: Date.now(),
    topic: `v1/${point.city}/${point.domain}/${point.device}/telemetry`,
    reason: 'store.rejected',
    message: `the telemetry store refused this reading: ${message}`,
    payload: JSON.stringify({ ts: point.ts, values: point.values }),
    city: point.city,
    domain: point.domain,
    device: point.device,
  };
}
