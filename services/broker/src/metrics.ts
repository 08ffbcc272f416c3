import { Counter, Gauge, type Registry } from 'prom-client';

/** Reasons a CONNECT is refused (label values of mueang_broker_auth_failures_total). */
export const AUTH_FAILURE_REASONS = [
  'missing_credentials',
  'unknown_device',
  'device_revoked',
  'no_secret',
  'bad_secret',
  'bad_service_password',
  'rate_limited',
  'will_not_allowed',
  'client_id_in_use',
  'registry_unavailable',
  'internal_error',
] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

export interface MetricsSources {
  connectedClients(): number;
  connectedDevices(): number;
}

export function createBrokerMetrics(registry: Registry, sources: MetricsSources) {
  // accepted publishes are counted here and copied into the counter when it is scraped: a
  // prom-client inc() per publish hashed its labels each time
  const publishes = { device: 0, service: 0 };
  const metrics = {
    /** accepted PUBLISH packets by principal kind (mueang_broker_publishes_received_total) */
    publishes,
    connectedClients: new Gauge({
      name: 'mueang_broker_connected_clients',
      help: 'MQTT connections currently established (devices and services)',
      registers: [registry],
      collect() {
        this.set(sources.connectedClients());
      },
    }),
    connectedDevices: new Gauge({
      name: 'mueang_broker_connected_devices',
      help: 'Devices with at least one established connection',
      registers: [registry],
      collect() {
        this.set(sources.connectedDevices());
      },
    }),
    logins: new Counter({
      name: 'mueang_broker_logins_total',
      help: 'Accepted CONNECTs, by principal kind',
      labelNames: ['principal'],
      registers: [registry],
    }),
    secretChecks: new Counter({
      name: 'mueang_broker_device_secret_checks_total',
      help: 'Device secret checks: cache (recently verified), verified (scrypt ran and matched), rejected',
      labelNames: ['result'],
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'mueang_broker_auth_failures_total',
      help: 'Refused CONNECTs, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    publishesReceived: new Counter({
      name: 'mueang_broker_publishes_received_total',
      help: 'PUBLISH packets accepted from clients, by principal kind',
      labelNames: ['principal'],
      registers: [registry],
      collect() {
        this.reset();
        for (const principal of ['device', 'service'] as const) this.inc({ principal }, publishes[principal]);
      },
    }),
    aclRefusals: new Counter({
      name: 'mueang_broker_acl_refusals_total',
      help: 'Publishes and subscriptions refused by the ACL, by action and reason',
      labelNames: ['action', 'reason'],
      registers: [registry],
    }),
    statusPublished: new Counter({
      name: 'mueang_broker_device_status_published_total',
      help: 'Retained device status messages the broker published, by status',
      labelNames: ['status'],
      registers: [registry],
    }),
    retainDropped: new Counter({
      name: 'mueang_broker_telemetry_retain_dropped_total',
      help: 'Telemetry publishes whose retain flag the broker cleared',
      registers: [registry],
    }),
  };
  // zero series up front, so dashboards and alerts see 0 rather than no data
  for (const reason of AUTH_FAILURE_REASONS) metrics.authFailures.inc({ reason }, 0);
  for (const principal of ['device', 'service']) metrics.logins.inc({ principal }, 0);
  for (const status of ['online', 'offline']) metrics.statusPublished.inc({ status }, 0);
  return metrics;
}

export type BrokerMetrics = ReturnType<typeof createBrokerMetrics>;
