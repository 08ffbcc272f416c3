/**
 * StateStore writes of the engine, one at a time and in the order decided (a clear never overtakes its raise). A
 * failed write is retried with backoff; a write the store refuses as wrong (bad input, unknown reference) is logged
 * and dropped, since repeating it cannot help.
 */
import { AlertRepositoryError } from '@mueang/storage';
import type { Logger } from 'pino';

const PERMANENT = new Set(['input.invalid', 'reference.not_found', 'alert.not_found', 'constraint.violated']);

export interface SerialOpsOptions {
  logger: Logger;
  /** attempts per operation (default 8: about 4 minutes of backoff) */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onError?(): void;
  onDepth?(depth: number): void;
}

export class SerialOps {
  private tail: Promise<void> = Promise.resolve();
  private depth = 0;
  lastError: string | null = null;

  constructor(private readonly options: SerialOpsOptions) {}

  get pending(): number {
    return this.depth;
  }

  enqueue(label: string, op: () => Promise<void>): void {
    this.depth += 1;
    this.options.onDepth?.(this.depth);
    this.tail = this.tail
      .then(() => this.run(label, op))
      .finally(() => {
        this.depth -= 1;
        this.options.onDepth?.(this.depth);
      });
  }

  /** resolves when every operation enqueued so far (and any they enqueue) has finished */
  async idle(): Promise<void> {
    while (this.depth > 0) await this.tail;
  }

  private async run(label: string, op: () => Promise<void>): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 8;
    for (let attempt = 1; ; attempt++) {
      try {
        await op();
        this.lastError = null;
        return;
      } catch (err) {
        this.options.onError?.();
        const message = (err as Error).message;
        const permanent = err instanceof AlertRepositoryError && PERMANENT.has(err.code);
        if (permanent || attempt >= maxAttempts) {
          this.lastError = `${label}: ${message}`;
          this.options.logger.error({ op: label, attempt, err: message }, permanent ? 'state write refused; dropped' : 'state write failed too often; dropped');
          return;
        }
        const delay = Math.min(this.options.maxDelayMs ?? 60_000, (this.options.baseDelayMs ?? 1000) * 2 ** (attempt - 1));
        this.lastError = `${label}: ${message} (retrying)`;
        this.options.logger.warn({ op: label, attempt, retryInMs: delay, err: message }, 'state write failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
  }
}
