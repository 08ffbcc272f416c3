/**
 * The outbox pump: every transition in the StateStore that is not yet published (the engine's own, and
 * acknowledgements and assignments made through the API) is written as an alert event to the TelemetryStore,
 * published on v1/{city}/alerts/{alertId} and handed to the dispatcher, then marked published. At-least-once: a crash
 * between the hand-off and the mark repeats the notification after the restart.
 */
import { alertTopic } from '@mueang/core';
import type { AlertEvent, AlertRepository, PendingTransition, TelemetryStore } from '@mueang/storage';
import type { Logger } from 'pino';
import type { DeviceDirectory } from './directory.ts';
import type { EngineMetrics } from './metrics.ts';
import { alertEventOf, buildNotification } from './notification.ts';
import type { AlertNotification } from './notify/types.ts';
import type { RuleBook } from './rules-config.ts';

/** What the publisher needs of the dispatcher (the notify Dispatcher satisfies it). */
export interface NotificationSink {
  dispatch(notification: AlertNotification): { ok: true } | { ok: false; error: { code: string; message: string } };
}

/** Publish one alert message (QoS 1); never throws, delivery continues in the background. */
export type AlertPublish = (topic: string, payload: string) => void;

export interface PublisherOptions {
  repository: AlertRepository;
  telemetry: TelemetryStore;
  directory: DeviceDirectory;
  rules: RuleBook;
  publish: AlertPublish | null;
  dispatcher: NotificationSink | null;
  logger: Logger;
  metrics: EngineMetrics;
  clock: () => number;
  consoleBaseUrl?: string | null;
  /** when the reading behind a raise arrived (wall clock), for the latency histogram */
  takeReceivedAt?(alertId: string): number | undefined;
  batchSize?: number;
}

const MAX_UNWRITTEN_EVENTS = 10_000;

export class Publisher {
  private running: Promise<void> | null = null;
  private again = false;
  /** events the TelemetryStore refused for now (down): retried with the next batch */
  private unwritten: AlertEvent[] = [];
  lastError: string | null = null;

  constructor(private readonly options: PublisherOptions) {}

  /** Publish everything pending; concurrent calls share one run (and trigger one more when they came during it). */
  pump(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.drainOutbox();
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  get unwrittenEvents(): number {
    return this.unwritten.length;
  }

  private async drainOutbox(): Promise<void> {
    const { repository, logger, metrics } = this.options;
    for (;;) {
      let pending: PendingTransition[];
      try {
        pending = await repository.pendingTransitions(this.options.batchSize ?? 200);
      } catch (err) {
        this.fail('could not read the outbox; retrying at the next tick', err);
        return;
      }
      if (pending.length === 0) {
        await this.writeEvents([]);
        return;
      }
      await this.writeEvents(pending.map(alertEventOf));
      for (const p of pending) {
        const notification = await buildNotification(p, this.options);
        this.options.publish?.(alertTopic(p.alert.cityId, p.alert.id), JSON.stringify(notification));
        if (this.options.dispatcher) {
          const result = this.options.dispatcher.dispatch(notification);
          if (!result.ok) logger.error({ alertId: p.alert.id, transition: p.transition.transition, code: result.error.code }, result.error.message);
        }
        metrics.published.inc({ transition: p.transition.transition });
        const receivedAt = p.transition.transition === 'raised' ? this.options.takeReceivedAt?.(p.alert.id) : undefined;
        if (receivedAt !== undefined) metrics.raiseLatency.observe(Math.max(0, this.options.clock() - receivedAt) / 1000);
        logger.info({ alertId: p.alert.id, transition: p.transition.transition, ruleId: p.alert.ruleId, deviceId: p.alert.deviceId, severity: p.transition.severity, level: p.transition.escalationLevel }, 'alert transition published');
      }
      try {
        await repository.markPublished(
          pending.map((p) => p.transition.seq),
          this.options.clock(),
        );
        this.lastError = null;
      } catch (err) {
        this.fail('could not mark transitions published; they will be published again', err);
        return;
      }
    }
  }

  /** write these events and any left over from before; keep them (bounded) when the store is down */
  private async writeEvents(events: AlertEvent[]): Promise<void> {
    const batch = [...this.unwritten, ...events];
    if (batch.length === 0) return;
    try {
      await this.options.telemetry.writeAlertEvents(batch);
      this.unwritten = [];
    } catch (err) {
      this.options.metrics.eventWriteFailures.inc();
      this.options.logger.warn({ err: (err as Error).message, events: batch.length }, 'could not write alert events to the telemetry store; kept for the next attempt');
      this.unwritten = batch.slice(-MAX_UNWRITTEN_EVENTS);
    }
  }

  private fail(message: string, err: unknown): void {
    this.lastError = `${message}: ${(err as Error).message}`;
    this.options.metrics.dbErrors.inc();
    this.options.logger.warn({ err: (err as Error).message }, message);
  }
}
