/**
 * The error the AlertRepository throws. `code` is for programs (the API maps it to an HTTP status), `message` says
 * what was wrong and what to do, `details` names the ids involved (never a recipient's address).
 */
export type AlertErrorCode =
  /** a field of the caller's input is missing or malformed (details.field) */
  | 'input.invalid'
  /** no alert has this id (details.alertId) */
  | 'alert.not_found'
  /** the city, device or rule referenced does not exist (details name it) */
  | 'reference.not_found'
  /** the cursor was not made by list() for this filter */
  | 'cursor.invalid'
  /** a database constraint refused the write (details.constraint) */
  | 'constraint.violated';

export class AlertRepositoryError extends Error {
  constructor(
    readonly code: AlertErrorCode,
    message: string,
    readonly details: Record<string, string | number | null> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AlertRepositoryError';
  }
}

export function invalidInput(field: string, message: string): AlertRepositoryError {
  return new AlertRepositoryError('input.invalid', `${field}: ${message}`, { field });
}
