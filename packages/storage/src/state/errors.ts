/**
 * The one error type the StateStore and its drivers throw. `code` is for programs, `message`
 * says what was wrong, where, and what to do, `details` names the ids involved.
 */
export type StateErrorCode =
  /** a field of the caller's record is missing or malformed (details.field names it) */
  | 'input.invalid'
  /** the referenced city does not exist (details.cityId) */
  | 'city.not_found'
  /** the referenced site does not exist (details.siteId) */
  | 'site.not_found'
  /** a device names a site that belongs to another city (details: deviceId, siteId, cityId, siteCityId) */
  | 'device.site_city_mismatch'
  /** a site cannot move to another city while devices of its old city use it (details: siteId, cityId) */
  | 'site.has_devices'
  /** the device to change does not exist (details.deviceId) */
  | 'device.not_found'
  /** the API key to change does not exist (details.apiKeyId) */
  | 'api_key.not_found'
  /** an API key with this id or hash exists already (details.apiKeyId) */
  | 'api_key.exists'
  /** a database constraint refused the write for a reason not mapped above (details.constraint) */
  | 'constraint.violated'
  /** the database could not be reached or the connection broke */
  | 'connection.failed'
  /** the migration list or the recorded migrations are inconsistent, or one failed to apply */
  | 'migration.failed'
  /** the store configuration is wrong */
  | 'config.invalid';

export class StateStoreError extends Error {
  constructor(
    readonly code: StateErrorCode,
    message: string,
    readonly details: Record<string, string | number | null> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StateStoreError';
  }
}

/** The fields a PostgreSQL error carries on both `pg` and PGlite (both follow the wire protocol). */
export interface PostgresErrorFields {
  code: string;
  constraint?: string;
  detail?: string;
  table?: string;
  column?: string;
}

export function isPostgresError(err: unknown): err is Error & PostgresErrorFields {
  const code: unknown = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

/** SQLSTATE classes (PostgreSQL appendix A) */
export const SQLSTATE = {
  foreignKeyViolation: '23503',
  uniqueViolation: '23505',
  checkViolation: '23514',
  notNullViolation: '23502',
} as const;
