/** The DeliveryLog of the notifiers, kept in the StateStore (alert_deliveries): every attempt with its result. */
import type { AlertRepository } from '@mueang/storage';
import type { Logger } from 'pino';
import type { DeliveryAttempt, DeliveryLog } from './notify/types.ts';

export class StateDeliveryLog implements DeliveryLog {
  constructor(
    private readonly repository: AlertRepository,
    private readonly logger?: Logger,
  ) {}

  async record(attempt: DeliveryAttempt): Promise<void> {
    try {
      await this.repository.recordDelivery(attempt);
    } catch (err) {
      // the attempt is in the service log already; a lost log row must not stop deliveries
      this.logger?.warn({ alertId: attempt.alertId, recipientId: attempt.recipientId, err: (err as Error).message }, 'could not record a delivery attempt');
    }
  }
}
