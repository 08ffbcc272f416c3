/**
 * The dispatcher: route a notification to its recipients and deliver it, one queue per recipient so that a
 * notifier that is down (connection refused, 500s) holds up only its own recipients. Failures retry with
 * exponential backoff and jitter; every attempt goes to the DeliveryLog and to the service log, which name the
 * recipient by id only (PDPA: no e-mail addresses, LINE ids or phone numbers in logs).
 */
import pino, { type Logger } from 'pino';
import { Registry } from 'prom-client';
import { renderMessage } from './message.ts';
import { createNotifyMetrics, type NotifyMetrics } from './metrics.ts';
import { checkNotification } from './notification-schema.ts';
import { deliveryIdOf, notificationKeyOf } from './payload.ts';
import { redactPersonalData } from './redact.ts';
import { parseRoutingConfig, resolveRecipients, type Route } from './routing.ts';
import type { AlertNotification, Channel, DeliveryLog, DeliveryResult, Notifier, Recipient, RenderedMessage } from './types.ts';

export interface RetryPolicy {
  /** attempts in all, the first included */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** 10 attempts over about 36 minutes: 5 s, 10 s, 20 s ... capped at 15 min */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 5_000, maxDelayMs: 15 * 60_000 };

/** Timers, injectable so that tests can move time instead of waiting for it. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_TIMERS: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface DispatcherOptions {
  notifiers: readonly Notifier[] | Partial<Record<Channel, Notifier>>;
  recipients: readonly Recipient[];
  routes: readonly Route[];
  log: DeliveryLog;
  logger?: Logger;
  metrics?: Registry;
  retry?: Partial<RetryPolicy>;
  now?: () => number;
  timers?: Timers;
  /** jitter source in [0, 1) */
  random?: () => number;
}

export interface QueuedDelivery {
  recipientId: string;
  channel: Channel;
  deliveryId: string;
  /** null = now; else held by quiet hours until this epoch ms */
  notBefore: number | null;
}

export type DispatchResult =
  | { ok: true; notificationKey: string; deliveries: QueuedDelivery[] }
  | { ok: false; error: { code: 'notification.invalid' | 'dispatcher.closed' | 'notification.render'; message: string } };

export interface PendingDelivery {
  notificationKey: string;
  alertId: string;
  recipientId: string;
  channel: Channel;
  deliveryId: string;
  /** attempts made so far */
  attempts: number;
  /** epoch ms of the next attempt */
  readyAt: number;
  lastStatus: string | null;
}

export interface DrainResult {
  /** true when every queue emptied (delivered or given up) before the deadline */
  complete: boolean;
  /** what was still waiting when the deadline came (deferred by quiet hours, between retries) */
  pending: PendingDelivery[];
}

export interface Dispatcher {
  /** route and enqueue; returns at once, delivery happens in the background */
  dispatch(notification: AlertNotification): DispatchResult;
  /** replace recipients and routes (queued deliveries keep the recipient they were queued with) */
  setRouting(recipients: readonly Recipient[], routes: readonly Route[]): { ok: true } | { ok: false; errors: string[] };
  pending(): PendingDelivery[];
  /** stop taking notifications and wait for the queues to empty, at most timeoutMs (default 30 s) */
  drain(options?: { timeoutMs?: number }): Promise<DrainResult>;
  /** drain, then close the notifiers' connections */
  close(options?: { timeoutMs?: number }): Promise<DrainResult>;
}

export class NotifyConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`notification routing is not valid:\n  - ${problems.join('\n  - ')}`);
    this.name = 'NotifyConfigError';
  }
}

/** Delay before the next attempt after `attempt` failures: base * 2^(attempt-1), capped, with "equal jitter" (half fixed, half random). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

interface Job {
  seq: number;
  notificationKey: string;
  notification: AlertNotification;
  message: RenderedMessage;
  recipient: Recipient;
  deliveryId: string;
  attempts: number;
  readyAt: number;
  lastStatus: string | null;
}

interface RecipientQueue {
  jobs: Job[];
  /** a job that failed and waits for its retry: it keeps its place at the head, so order is kept */
  retrying: Job | null;
  inFlight: Promise<void> | null;
  timer: unknown;
  timerAt: number | null;
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const notifiers = notifierMap(options.notifiers);
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  if (!(retry.maxAttempts >= 1) || !(retry.baseDelayMs >= 0) || !(retry.maxDelayMs >= retry.baseDelayMs)) {
    throw new NotifyConfigError([`retry must have maxAttempts >= 1 and 0 <= baseDelayMs <= maxDelayMs; got ${JSON.stringify(retry)}`]);
  }
  const now = options.now ?? Date.now;
  const timers = options.timers ?? REAL_TIMERS;
  const random = options.random ?? Math.random;
  const logger = (options.logger ?? pino({ name: 'alerts' })).child({ component: 'notify' });
  const metrics: NotifyMetrics = createNotifyMetrics(options.metrics ?? new Registry());
  const queues = new Map<string, RecipientQueue>();
  const idleWaiters = new Set<() => void>();
  let recipients = new Map<string, Recipient>();
  let routes: readonly Route[] = [];
  let seq = 0;
  let closed = false;
  let stopped = false;

  const initial = validateRouting(options.recipients, options.routes);
  if (!initial.ok) throw new NotifyConfigError(initial.errors);
  applyRouting(options.recipients, options.routes);

  function validateRouting(newRecipients: readonly Recipient[], newRoutes: readonly Route[]): { ok: true } | { ok: false; errors: string[] } {
    const parsed = parseRoutingConfig({ recipients: newRecipients, routes: newRoutes });
    if (!parsed.ok) return parsed;
    const errors: string[] = [];
    newRecipients.forEach((r, i) => {
      if (!notifiers.has(r.channel)) errors.push(`recipients[${i}] (${r.id}): channel "${r.channel}" has no notifier configured; configure one or remove the recipient`);
    });
    return errors.length > 0 ? { ok: false, errors } : { ok: true };
  }

  function applyRouting(newRecipients: readonly Recipient[], newRoutes: readonly Route[]): void {
    recipients = new Map(newRecipients.map((r) => [r.id, { ...r }]));
    routes = newRoutes.map((r) => ({ ...r }));
  }

  function queueOf(recipientId: string): RecipientQueue {
    let queue = queues.get(recipientId);
    if (!queue) {
      queue = { jobs: [], retrying: null, inFlight: null, timer: null, timerAt: null };
      queues.set(recipientId, queue);
    }
    return queue;
  }

  function dispatch(input: AlertNotification): DispatchResult {
    if (closed) return { ok: false, error: { code: 'dispatcher.closed', message: 'the dispatcher is draining for shutdown and takes no new notifications' } };
    const checked = checkNotification(input);
    if (!checked.ok) {
      const message = `notification is malformed: ${checked.errors.slice(0, 5).join('; ')}`;
      logger.error({ alertId: typeof input?.alertId === 'string' ? input.alertId : null }, message);
      return { ok: false, error: { code: 'notification.invalid', message } };
    }
    const notification = checked.value;
    let message: RenderedMessage;
    try {
      message = renderMessage(notification);
    } catch (error) {
      const text = `could not render notification ${notification.alertId}: ${error instanceof Error ? error.message : String(error)}`;
      logger.error({ alertId: notification.alertId }, text);
      return { ok: false, error: { code: 'notification.render', message: text } };
    }
    const notificationKey = notificationKeyOf(notification);
    const at = now();
    const deliveries: QueuedDelivery[] = [];
    for (const routed of resolveRecipients(notification, routes, at)) {
      const recipient = recipients.get(routed.recipientId);
      if (!recipient) continue; // validated in setRouting; cannot happen
      const deliveryId = deliveryIdOf(notificationKey, recipient.id);
      const queue = queueOf(recipient.id);
      const duplicate = queue.jobs.some((j) => j.deliveryId === deliveryId);
      deliveries.push({ recipientId: recipient.id, channel: recipient.channel, deliveryId, notBefore: routed.notBefore });
      if (duplicate) continue;
      queue.jobs.push({ seq: seq++, notificationKey, notification, message, recipient, deliveryId, attempts: 0, readyAt: routed.notBefore ?? at, lastStatus: null });
      metrics.queueDepth.inc({ channel: recipient.channel });
      if (routed.notBefore !== null) {
        metrics.deferred.inc({ channel: recipient.channel });
        logger.info({ notificationKey, recipientId: recipient.id, channel: recipient.channel, notBefore: routed.notBefore }, 'delivery deferred by quiet hours');
      }
      pump(queue);
    }
    if (deliveries.length === 0) logger.info({ notificationKey, alertId: notification.alertId }, 'no route matches this notification');
    return { ok: true, notificationKey, deliveries };
  }

  /** start the next attempt of a queue if one is due, or set a timer for when one will be */
  function pump(queue: RecipientQueue): void {
    if (queue.inFlight || stopped) return;
    const t = now();
    const job = nextJob(queue, t);
    if (job) {
      clearTimer(queue);
      queue.inFlight = attempt(queue, job).finally(() => {
        queue.inFlight = null;
        pump(queue);
        notifyIfIdle();
      });
      return;
    }
    const wakeAt = nextWake(queue);
    if (wakeAt === null) {
      clearTimer(queue);
      return;
    }
    if (queue.timerAt === wakeAt) return;
    clearTimer(queue);
    queue.timerAt = wakeAt;
    queue.timer = timers.setTimeout(() => {
      queue.timer = null;
      queue.timerAt = null;
      pump(queue);
    }, Math.max(0, wakeAt - t));
  }

  function nextJob(queue: RecipientQueue, t: number): Job | null {
    if (queue.retrying) return queue.retrying.readyAt <= t ? queue.retrying : null;
    return queue.jobs.find((j) => j.readyAt <= t) ?? null;
  }

  function nextWake(queue: RecipientQueue): number | null {
    if (queue.retrying) return queue.retrying.readyAt;
    return queue.jobs.reduce<number | null>((min, j) => (min === null || j.readyAt < min ? j.readyAt : min), null);
  }

  function clearTimer(queue: RecipientQueue): void {
    if (queue.timer !== null) timers.clearTimeout(queue.timer);
    queue.timer = null;
    queue.timerAt = null;
  }

  async function attempt(queue: RecipientQueue, job: Job): Promise<void> {
    const { recipient } = job;
    const channel = recipient.channel;
    const notifier = notifiers.get(channel) as Notifier;
    job.attempts += 1;
    const startedAt = now();
    metrics.attempts.inc({ channel });
    const endTimer = metrics.duration.startTimer({ channel });
    let result: DeliveryResult;
    try {
      result = await notifier.send(job.notification, recipient, { deliveryId: job.deliveryId, attempt: job.attempts, message: job.message });
    } catch (error) {
      // notifiers return failures as values; a throw is a bug in one, and must not stop the queue
      result = { ok: false, status: 'exception', retryable: true, error: error instanceof Error ? error.message : String(error) };
    }
    endTimer();
    const finishedAt = now();
    const error = result.error === null ? null : redactPersonalData(result.error, recipient.address);
    let nextRetryAt: number | null = null;
    let outcome: 'delivered' | 'retry' | 'permanent' | 'exhausted';
    if (result.ok) outcome = 'delivered';
    else if (!result.retryable) outcome = 'permanent';
    else if (job.attempts >= retry.maxAttempts) outcome = 'exhausted';
    else {
      outcome = 'retry';
      nextRetryAt = finishedAt + Math.max(backoffDelay(job.attempts, retry, random), result.retryAfterMs ?? 0);
    }
    job.lastStatus = result.status;

    if (outcome === 'delivered') metrics.successes.inc({ channel });
    else metrics.failures.inc({ channel, kind: result.retryable ? 'retryable' : 'permanent' });
    if (outcome === 'retry') {
      job.readyAt = nextRetryAt as number;
      queue.retrying = job;
    } else {
      if (outcome !== 'delivered') metrics.abandoned.inc({ channel });
      queue.retrying = null;
      queue.jobs = queue.jobs.filter((j) => j !== job);
      metrics.queueDepth.dec({ channel });
    }

    const fields = {
      notificationKey: job.notificationKey,
      alertId: job.notification.alertId,
      transition: job.notification.transition,
      recipientId: recipient.id,
      channel,
      attempt: job.attempts,
      ok: result.ok,
      status: result.status,
      error,
      nextRetryAt,
    };
    if (outcome === 'delivered') logger.info(fields, 'notification delivered');
    else if (outcome === 'retry') logger.warn(fields, 'delivery failed; will retry');
    else if (outcome === 'permanent') logger.error(fields, 'delivery failed permanently; not retrying');
    else logger.error(fields, `delivery failed; giving up after ${job.attempts} attempts`);

    try {
      await options.log.record({
        notificationKey: job.notificationKey,
        alertId: job.notification.alertId,
        transition: job.notification.transition,
        recipientId: recipient.id,
        channel,
        attempt: job.attempts,
        at: startedAt,
        ok: result.ok,
        status: result.status,
        error: outcome === 'exhausted' ? `${error ?? result.status} (gave up after ${job.attempts} attempts)` : error,
        nextRetryAt,
      });
    } catch (logError) {
      logger.error({ notificationKey: job.notificationKey, recipientId: recipient.id, err: logError instanceof Error ? logError.message : String(logError) }, 'could not record the delivery attempt');
    }
  }

  function pendingList(): PendingDelivery[] {
    const out: PendingDelivery[] = [];
    for (const [recipientId, queue] of queues) {
      for (const job of queue.jobs) {
        out.push({
          notificationKey: job.notificationKey,
          alertId: job.notification.alertId,
          recipientId,
          channel: job.recipient.channel,
          deliveryId: job.deliveryId,
          attempts: job.attempts,
          readyAt: job.readyAt,
          lastStatus: job.lastStatus,
        });
      }
    }
    return out;
  }

  function isIdle(): boolean {
    for (const queue of queues.values()) if (queue.jobs.length > 0 || queue.inFlight) return false;
    return true;
  }

  function notifyIfIdle(): void {
    if (!isIdle()) return;
    for (const resolve of idleWaiters) resolve();
    idleWaiters.clear();
  }

  async function drain(drainOptions: { timeoutMs?: number } = {}): Promise<DrainResult> {
    closed = true;
    const timeoutMs = drainOptions.timeoutMs ?? 30_000;
    if (!isIdle()) {
      let resolveIdle: () => void = () => undefined;
      const idle = new Promise<void>((resolve) => {
        resolveIdle = resolve;
        idleWaiters.add(resolve);
      });
      let deadline: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => {
        // a real timer on purpose: the drain deadline is wall-clock time even when tests inject timers
        deadline = setTimeout(() => resolve('expired'), timeoutMs);
      });
      const outcome = await Promise.race([idle.then(() => 'idle' as const), expired]);
      clearTimeout(deadline);
      idleWaiters.delete(resolveIdle);
      if (outcome === 'expired') {
        stopped = true;
        for (const queue of queues.values()) clearTimer(queue);
        await Promise.all([...queues.values()].map((q) => q.inFlight ?? Promise.resolve()));
      }
    }
    const pending = pendingList();
    if (pending.length > 0) logger.warn({ pending: pending.length }, 'dispatcher drained with deliveries still pending');
    return { complete: pending.length === 0, pending };
  }

  return {
    dispatch,
    setRouting(newRecipients, newRoutes) {
      const checked = validateRouting(newRecipients, newRoutes);
      if (checked.ok) applyRouting(newRecipients, newRoutes);
      return checked;
    },
    pending: pendingList,
    drain,
    async close(closeOptions) {
      const result = await drain(closeOptions);
      await Promise.all([...notifiers.values()].map((n) => n.close?.().catch(() => undefined)));
      return result;
    },
  };
}

function notifierMap(input: DispatcherOptions['notifiers']): Map<Channel, Notifier> {
  const list: Notifier[] = Array.isArray(input) ? [...(input as readonly Notifier[])] : Object.values(input as Partial<Record<Channel, Notifier>>).filter((n): n is Notifier => n !== undefined);
  const map = new Map<Channel, Notifier>();
  for (const notifier of list) {
    if (map.has(notifier.channel)) throw new NotifyConfigError([`two notifiers for channel "${notifier.channel}"; configure one per channel`]);
    map.set(notifier.channel, notifier);
  }
  return map;
}
