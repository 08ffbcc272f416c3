import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Where the per-message counters and the gauges read their values when scraped: updating
 * prom-client metrics for each message cost ~1 % of the platform's CPU (and allocations).
 */
export interface IngestGaugeSources {
  /** messages taken so far (a running total) */
  messages(): number;
  /** readings accepted so far (a running total) */
  readings(): number;
  pendingPoints(): number;
  journalBytes(): number;
  journalMessages(): number;
  journalAgeSeconds(): number;
  rollupDirtyHours(): number;
}

export function createIngestMetrics(registry: Registry, sources: IngestGaugeSources) {
  return {
    messages: new Counter({
      name: 'mueang_ingest_messages_total',
      help: 'MQTT messages received',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(sources.messages());
      },
    }),
    readings: new Counter({
      name: 'mueang_ingest_readings_total',
      help: 'Readings (timestamps) accepted',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(sources.readings());
      },
    }),
    points: new Counter({
      name: 'mueang_ingest_values_stored_total',
      help: 'Parameter values written to the telemetry store',
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'mueang_ingest_dead_letters_total',
      help: 'Rejected messages or values, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    writeRetries: new Counter({ name: 'mueang_ingest_write_retries_total', help: 'Store writes retried after a transient failure', registers: [registry] }),
    writeSeconds: new Histogram({
      name: 'mueang_ingest_write_seconds',
      help: 'Duration of a successful batch write',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    pendingPoints: new Gauge({
      name: 'mueang_ingest_pending_points',
      help: 'Points queued or being written',
      registers: [registry],
      collect() {
        this.set(sources.pendingPoints());
      },
    }),
    journalBytes: new Gauge({
      name: 'mueang_ingest_journal_bytes',
      help: 'Bytes of received messages not yet stored',
      registers: [registry],
      collect() {
        this.set(sources.journalBytes());
      },
    }),
    journalMessages: new Gauge({
      name: 'mueang_ingest_journal_messages',
      help: 'Messages received and not yet stored',
      registers: [registry],
      collect() {
        this.set(sources.journalMessages());
      },
    }),
    journalAgeSeconds: new Gauge({
      name: 'mueang_ingest_buffer_age_seconds',
      help: 'Age of the oldest received message not yet stored',
      registers: [registry],
      collect() {
        this.set(sources.journalAgeSeconds());
      },
    }),
    heldAcks: new Gauge({ name: 'mueang_ingest_backpressure', help: '1 while acknowledgements are held because the buffer is full', registers: [registry] }),
    heldAcksTotal: new Counter({ name: 'mueang_ingest_backpressure_total', help: 'Times acknowledgements were held because the buffer was full', registers: [registry] }),
    rollupRows: new Counter({ name: 'mueang_ingest_rollup_rows_total', help: 'Rollup rows written', registers: [registry] }),
    rollupDirtyHours: new Gauge({
      name: 'mueang_ingest_rollup_dirty_hours',
      help: 'Domain-hours waiting for their rollups to be recomputed (a rebuild shows here as it proceeds)',
      registers: [registry],
      collect() {
        this.set(sources.rollupDirtyHours());
      },
    }),
    rollupRebuilds: new Counter({
      name: 'mueang_ingest_rollup_rebuilds_total',
      help: 'Rollup rebuild requests received on mueang/ingest/rollups/rebuild, by result (accepted, refused)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    journalWriteErrors: new Counter({
      name: 'mueang_ingest_journal_write_errors_total',
      help: 'Journal writes that failed (ENOSPC: disk full, EDQUOT: over quota); the messages were not acknowledged',
      labelNames: ['code'],
      registers: [registry],
    }),
  };
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
