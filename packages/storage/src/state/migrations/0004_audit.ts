import type { Migration } from '../migration.ts';

/**
 * Audit log: who changed what, one row per successful change made through the API (written in the
 * same transaction as the change). Append-only by convention: nothing in the code updates or deletes rows.
 * No foreign keys: an entry must stay readable whatever happens later to the city, key or device it names.
 * `details` holds the changed fields (before/after), never secrets, hashes or contact addresses
 * (the repository masks them before they reach SQL).
 */
export const migration0004Audit: Migration = {
  id: '0004_audit',
  sql: `
CREATE TABLE audit_log (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ts              timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  actor_kind      text NOT NULL CONSTRAINT audit_log_actor_kind_known CHECK (actor_kind IN ('api_key', 'system')),
  actor_id        text NOT NULL CONSTRAINT audit_log_actor_id_not_blank CHECK (btrim(actor_id) <> ''),
  actor_name      text,
  actor_role      text CONSTRAINT audit_log_actor_role_known CHECK (actor_role IS NULL OR actor_role IN ('admin', 'operator', 'viewer')),
  action          text NOT NULL CONSTRAINT audit_log_action_format CHECK (action ~ '^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+$'),
  target_type     text NOT NULL CONSTRAINT audit_log_target_type_format CHECK (target_type ~ '^[a-z][a-z0-9_]*$'),
  target_id       text NOT NULL CONSTRAINT audit_log_target_id_not_blank CHECK (btrim(target_id) <> ''),
  city_id         text,
  details         jsonb NOT NULL DEFAULT '{}'::jsonb CONSTRAINT audit_log_details_object CHECK (jsonb_typeof(details) = 'object'),
  request_id      text,
  remote_address  text
);
CREATE INDEX audit_log_ts_idx ON audit_log (ts DESC, id DESC);
CREATE INDEX audit_log_city_ts_idx ON audit_log (city_id, ts DESC, id DESC);
CREATE INDEX audit_log_actor_ts_idx ON audit_log (actor_id, ts DESC, id DESC);
CREATE INDEX audit_log_target_ts_idx ON audit_log (target_type, target_id, ts DESC, id DESC);
`,
};
