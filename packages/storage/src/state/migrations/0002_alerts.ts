import type { Migration } from '../migration.ts';

/**
 * Alerts: one row per alert (at most one active per device + rule: the dedup key), its full transition history
 * (also the outbox the alerts service publishes from), notification recipients and routes (addresses are personal
 * data: the repository returns them masked unless asked), the delivery log, and per-city rule overrides.
 * Lifecycle as in ThingsBoard: state active/cleared x acknowledged or not, plus assignee and escalation level.
 */
const SEVERITY_CHECK = `IN ('critical', 'major', 'minor', 'warning', 'info')`;
const TRANSITION_CHECK = `IN ('raised', 'escalated', 'reminder', 'cleared', 'acknowledged', 'assigned', 'severity_changed')`;
const ID_CHECK = `~ '^[a-z0-9][a-z0-9_-]{0,63}$'`;

export const migration0002Alerts: Migration = {
  id: '0002_alerts',
  sql: `
CREATE TABLE alerts (
  id                text PRIMARY KEY CONSTRAINT alerts_id_format CHECK (id ${ID_CHECK}),
  dedup_key         text NOT NULL CONSTRAINT alerts_dedup_key_not_blank CHECK (btrim(dedup_key) <> ''),
  city_id           text NOT NULL CONSTRAINT alerts_city_fk REFERENCES cities (id),
  site_id           text,
  device_id         text CONSTRAINT alerts_device_fk REFERENCES devices (id),
  domain            text NOT NULL CONSTRAINT alerts_domain_known CHECK (domain IN ('air', 'water', 'energy', 'waste')),
  rule_id           text NOT NULL CONSTRAINT alerts_rule_id_not_blank CHECK (btrim(rule_id) <> ''),
  severity          text NOT NULL CONSTRAINT alerts_severity_known CHECK (severity ${SEVERITY_CHECK}),
  state             text NOT NULL DEFAULT 'active' CONSTRAINT alerts_state_known CHECK (state IN ('active', 'cleared')),
  acknowledged      boolean NOT NULL DEFAULT false,
  acknowledged_at   timestamptz,
  acknowledged_by   text,
  assignee          text,
  assigned_at       timestamptz,
  escalation_level  integer NOT NULL DEFAULT 0 CONSTRAINT alerts_escalation_level_range CHECK (escalation_level >= 0),
  parameter         text,
  value             double precision,
  peak_value        double precision,
  unit              text,
  standard_id       text,
  standard_version  text,
  window_from       timestamptz,
  window_to         timestamptz,
  details           jsonb NOT NULL DEFAULT '{}'::jsonb,
  active_since      timestamptz NOT NULL,
  raised_at         timestamptz NOT NULL DEFAULT now(),
  cleared_at        timestamptz,
  escalated_at      timestamptz,
  last_notified_at  timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT alerts_ack_consistent CHECK (acknowledged = (acknowledged_at IS NOT NULL)),
  CONSTRAINT alerts_clear_consistent CHECK ((state = 'cleared') = (cleared_at IS NOT NULL))
);
-- dedup: one active alert per device + rule (a new one may start after the previous cleared)
CREATE UNIQUE INDEX alerts_active_dedup_idx ON alerts (dedup_key) WHERE state = 'active';
CREATE INDEX alerts_city_raised_idx ON alerts (city_id, raised_at DESC, id DESC);
CREATE INDEX alerts_state_idx ON alerts (state, acknowledged);
CREATE INDEX alerts_device_idx ON alerts (device_id) WHERE device_id IS NOT NULL;
CREATE INDEX alerts_rule_idx ON alerts (rule_id);

CREATE TABLE alert_transitions (
  seq               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id          text NOT NULL CONSTRAINT alert_transitions_alert_fk REFERENCES alerts (id) ON DELETE CASCADE,
  transition        text NOT NULL CONSTRAINT alert_transitions_kind_known CHECK (transition ${TRANSITION_CHECK}),
  at                timestamptz NOT NULL,
  recorded_at       timestamptz NOT NULL DEFAULT now(),
  actor             text NOT NULL,
  severity          text NOT NULL CONSTRAINT alert_transitions_severity_known CHECK (severity ${SEVERITY_CHECK}),
  escalation_level  integer NOT NULL,
  value             double precision,
  note              text,
  details           jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- outbox: set once the transition was published (MQTT, alert events, notifications)
  published_at      timestamptz
);
CREATE INDEX alert_transitions_alert_idx ON alert_transitions (alert_id, seq);
CREATE INDEX alert_transitions_unpublished_idx ON alert_transitions (seq) WHERE published_at IS NULL;

CREATE TABLE alert_recipients (
  id          text PRIMARY KEY CONSTRAINT alert_recipients_id_format CHECK (id ${ID_CHECK}),
  name        text NOT NULL CONSTRAINT alert_recipients_name_not_blank CHECK (btrim(name) <> ''),
  channel     text NOT NULL CONSTRAINT alert_recipients_channel_known CHECK (channel IN ('webhook', 'email', 'line', 'mqtt')),
  address     text NOT NULL,
  language    text NOT NULL DEFAULT 'both' CONSTRAINT alert_recipients_language_known CHECK (language IN ('th', 'en', 'both')),
  city_id     text CONSTRAINT alert_recipients_city_fk REFERENCES cities (id),
  enabled     boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE alert_routes (
  id          text PRIMARY KEY CONSTRAINT alert_routes_id_not_blank CHECK (btrim(id) <> ''),
  definition  jsonb NOT NULL,
  enabled     boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE alert_deliveries (
  seq               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  notification_key  text NOT NULL,
  alert_id          text NOT NULL,
  transition        text NOT NULL,
  recipient_id      text NOT NULL,
  channel           text NOT NULL,
  attempt           integer NOT NULL CONSTRAINT alert_deliveries_attempt_positive CHECK (attempt >= 1),
  at                timestamptz NOT NULL,
  ok                boolean NOT NULL,
  status            text NOT NULL,
  error             text,
  next_retry_at     timestamptz
);
CREATE INDEX alert_deliveries_alert_idx ON alert_deliveries (alert_id, seq);
CREATE INDEX alert_deliveries_recipient_idx ON alert_deliveries (recipient_id, seq);

CREATE TABLE alert_rule_overrides (
  city_id     text NOT NULL CONSTRAINT alert_rule_overrides_city_fk REFERENCES cities (id),
  rule_id     text NOT NULL CONSTRAINT alert_rule_overrides_rule_not_blank CHECK (btrim(rule_id) <> ''),
  override    jsonb NOT NULL,
  updated_by  text,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, rule_id)
);
`,
};
