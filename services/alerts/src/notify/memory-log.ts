import type { DeliveryAttempt, DeliveryLog } from './types.ts';

/** DeliveryLog kept in memory: for tests and the demo. Production uses the StateStore-backed log. */
export class InMemoryDeliveryLog implements DeliveryLog {
  readonly attempts: DeliveryAttempt[] = [];

  async record(attempt: DeliveryAttempt): Promise<void> {
    this.attempts.push({ ...attempt });
  }

  forRecipient(recipientId: string): DeliveryAttempt[] {
    return this.attempts.filter((a) => a.recipientId === recipientId);
  }
}
