import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Delivery metrics by channel. Reuses metrics already on the registry so two dispatchers can share one. */
export function createNotifyMetrics(registry: Registry) {
  const counter = (name: string, help: string, labelNames: string[]) =>
    (registry.getSingleMetric(name) as Counter<string> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
  return {
    attempts: counter('mueang_alerts_delivery_attempts_total', 'Notification delivery attempts', ['channel']),
    successes: counter('mueang_alerts_delivery_successes_total', 'Notification deliveries that succeeded', ['channel']),
    failures: counter('mueang_alerts_delivery_failures_total', 'Failed delivery attempts (kind: retryable or permanent)', ['channel', 'kind']),
    abandoned: counter('mueang_alerts_deliveries_abandoned_total', 'Deliveries given up (permanent failure or attempts exhausted)', ['channel']),
    deferred: counter('mueang_alerts_deliveries_deferred_total', 'Deliveries held back by quiet hours', ['channel']),
    queueDepth:
      (registry.getSingleMetric('mueang_alerts_delivery_queue_depth') as Gauge<string> | undefined) ??
      new Gauge({ name: 'mueang_alerts_delivery_queue_depth', help: 'Deliveries waiting (queued, deferred or between retries)', labelNames: ['channel'], registers: [registry] }),
    duration:
      (registry.getSingleMetric('mueang_alerts_delivery_duration_seconds') as Histogram<string> | undefined) ??
      new Histogram({
        name: 'mueang_alerts_delivery_duration_seconds',
        help: 'Time one delivery attempt took',
        labelNames: ['channel'],
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers: [registry],
      }),
  };
}
export type NotifyMetrics = ReturnType<typeof createNotifyMetrics>;
