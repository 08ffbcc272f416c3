/** Building DeliveryResults: how HTTP statuses and network errors map to ok / permanent / retryable. */
import type { DeliveryResult } from './types.ts';

export function delivered(status: string): DeliveryResult {
  return { ok: true, status, retryable: false, error: null };
}

export function permanentFailure(status: string, error: string): DeliveryResult {
  return { ok: false, status, retryable: false, error };
}

export function retryableFailure(status: string, error: string, retryAfterMs?: number): DeliveryResult {
  return retryAfterMs === undefined ? { ok: false, status, retryable: true, error } : { ok: false, status, retryable: true, error, retryAfterMs };
}

/** 2xx ok; 408, 429 and 5xx try again; any other 4xx is permanent (the request itself is wrong). */
export function classifyHttpStatus(status: number, what: string, retryAfterMs?: number): DeliveryResult {
  const label = `http ${status}`;
  if (status >= 200 && status < 300) return delivered(label);
  if (status === 408 || status === 429 || status >= 500) {
    return retryableFailure(label, `${what} answered ${status}; will try again`, retryAfterMs);
  }
  return permanentFailure(label, `${what} refused the request with ${status}; retrying cannot help: check the recipient and the notifier configuration`);
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A thrown error as a retryable result: connection refused, reset, DNS failure, TLS trouble, timeout. */
export function networkFailure(error: unknown, what: string): DeliveryResult {
  const code = errorCode(error);
  return retryableFailure(code, `${what} could not be reached (${code}): ${errorMessage(error)}`);
}

export function errorCode(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const own = (error as { code?: unknown } | null)?.code;
  const causeCode = (cause as { code?: unknown } | null)?.code;
  if (typeof own === 'string') return own;
  if (typeof causeCode === 'string') return causeCode;
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  return 'network-error';
}

export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error && cause.message && cause.message !== error.message ? `${error.message}: ${cause.message}` : error.message;
}

export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** Race a promise against a deadline; the timer never keeps the process alive. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
