import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The engine's metrics (the notifiers have their own, mueang_alerts_delivery_*). Reuses metrics already registered. */
export function createEngineMetrics(registry: Registry) {
  function get<T>(name: string, make: () => T): T {
    return (registry.getSingleMetric(name) as T | undefined) ?? make();
  }
  const counter = (name: string, help: string, labelNames: string[] = []) => get(name, () => new Counter({ name, help, labelNames, registers: [registry] }));
  const gauge = (name: string, help: string) => get(name, () => new Gauge({ name, help, registers: [registry] }));
  return {
    messages: counter('mueang_alerts_engine_messages_total', 'MQTT messages taken (telemetry and status)', ['kind']),
    skipped: counter('mueang_alerts_engine_skipped_total', 'Messages or readings left out, as ingest would dead-letter them', ['reason']),
    readings: counter('mueang_alerts_engine_readings_total', 'Readings evaluated'),
    evaluations: counter('mueang_alerts_engine_evaluations_total', 'Rule evaluations'),
    transitions: counter('mueang_alerts_engine_transitions_total', 'Alert transitions decided by the engine', ['transition', 'severity']),
    published: counter('mueang_alerts_engine_published_total', 'Transitions published (MQTT, alert events, notifications)', ['transition']),
    dbErrors: counter('mueang_alerts_engine_state_errors_total', 'StateStore operations that failed (retried)'),
    eventWriteFailures: counter('mueang_alerts_engine_event_write_failures_total', 'Alert-event writes the TelemetryStore refused (kept and retried)'),
    samplesDropped: counter('mueang_alerts_engine_samples_dropped_total', 'Samples dropped because a series reached its size bound'),
    samples: gauge('mueang_alerts_engine_samples', 'Samples held in memory'),
    activeAlerts: gauge('mueang_alerts_engine_active_alerts', 'Alerts active in memory'),
    pendingOperations: gauge('mueang_alerts_engine_pending_operations', 'StateStore writes waiting'),
    raiseLatency: get(
      'mueang_alerts_engine_raise_latency_seconds',
      () =>
        new Histogram({
          name: 'mueang_alerts_engine_raise_latency_seconds',
          help: 'From the arrival of the reading that raised an alert to its hand-off to the notifiers',
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers: [registry],
        }),
    ),
  };
}

export type EngineMetrics = ReturnType<typeof createEngineMetrics>;
