/**
 * The one error type every TelemetryStore adapter throws (shared by the InfluxDB and DuckDB
 * adapters). Ingest reads `retryable`: true = keep the batch and try again later (the backend
 * is down, overloaded or slow), false = the request itself is wrong and repeating it cannot help.
 */
export type TelemetryErrorCode =
  /** the caller's data or query was rejected before anything was sent */
  | 'input.invalid'
  /** the backend could not be reached (connection refused/reset, DNS) */
  | 'backend.unreachable'
  /** the backend did not answer within the timeout */
  | 'backend.timeout'
  /** HTTP 5xx or 429: the backend is up but failing or overloaded */
  | 'backend.unavailable'
  /** HTTP 401/403: token or user/password missing or wrong */
  | 'backend.auth'
  /** HTTP 404: database/bucket or endpoint not found */
  | 'backend.not_found'
  /** HTTP 400/413/422 and other 4xx: the backend refused the data or query */
  | 'backend.rejected'
  /** the backend answered something this adapter cannot read */
  | 'backend.protocol'
  /** an error inside the embedded database */
  | 'backend.internal'
  /** the disk under the store is full (or over quota): transient, writes succeed again once space is freed */
  | 'backend.disk_full';

export class TelemetryStoreError extends Error {
  constructor(
    readonly code: TelemetryErrorCode,
    message: string,
    readonly retryable: boolean,
    readonly details: { status?: number; serverMessage?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'TelemetryStoreError';
  }
}

export function isRetryableTelemetryError(err: unknown): boolean {
  return err instanceof TelemetryStoreError && err.retryable;
}

export function inputError(message: string): TelemetryStoreError {
  return new TelemetryStoreError('input.invalid', message, false);
}

/**
 * Whether an error says the disk is full or over quota: ENOSPC/EDQUOT codes (Node fs), or their strerror text (DuckDB
 * reports `Could not write file "...": No space left on device`; InfluxDB the same inside an HTTP 500).
 */
export function isDiskFullError(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') return true;
    const message = current instanceof Error ? current.message : typeof current === 'string' ? current : '';
    if (/no space left on device|disk quota exceeded|\bENOSPC\b|\bEDQUOT\b/i.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
