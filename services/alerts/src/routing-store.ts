/**
 * Recipients and routes live in the StateStore (the API can manage them; addresses are returned masked there). The
 * configuration file's recipients and routes are written into it at start; the dispatcher is then configured from the
 * store and re-reads it periodically. A stored entry that does not validate, or whose channel has no notifier, is
 * logged (by id, never its address) and left out.
 */
import type { AlertRepository } from '@mueang/storage';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { StateDeliveryLog } from './delivery-log.ts';
import { createNotifiers, type NotifyConfig } from './notify/config.ts';
import { createDispatcher, type Dispatcher } from './notify/dispatcher.ts';
import { recipientSchema, routeSchema, type Route } from './notify/routing.ts';
import type { Channel, Notifier, Recipient } from './notify/types.ts';

/** write the configured recipients and routes into the StateStore (the file wins for the ids it names) */
export async function storeConfiguredRouting(repository: AlertRepository, notify: Pick<NotifyConfig, 'recipients' | 'routes'>): Promise<void> {
  for (const r of notify.recipients) {
    await repository.upsertRecipient({ id: r.id, name: r.name, channel: r.channel, address: r.address, language: r.language });
  }
  for (const route of notify.routes) {
    await repository.upsertRoute({ id: route.id, definition: { ...route } as Record<string, unknown> });
  }
}

/** the stored recipients (enabled, addresses revealed, channels with a notifier) and routes (enabled, to known recipients) */
export async function loadStoredRouting(repository: AlertRepository, channels: ReadonlySet<Channel>, logger?: Logger): Promise<{ recipients: Recipient[]; routes: Route[] }> {
  const recipients: Recipient[] = [];
  for (const stored of await repository.listRecipients({ reveal: true })) {
    if (!stored.enabled) continue;
    const parsed = recipientSchema.safeParse({ id: stored.id, name: stored.name, channel: stored.channel, address: stored.address, language: stored.language });
    if (!parsed.success) {
      logger?.error({ recipientId: stored.id, problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }, 'stored recipient is not valid; left out');
      continue;
    }
    if (!channels.has(parsed.data.channel)) {
      logger?.warn({ recipientId: stored.id, channel: parsed.data.channel }, 'stored recipient uses a channel without a configured notifier; left out');
      continue;
    }
    recipients.push(parsed.data);
  }
  const known = new Set(recipients.map((r) => r.id));
  const routes: Route[] = [];
  for (const stored of await repository.listRoutes()) {
    if (!stored.enabled) continue;
    const parsed = routeSchema.safeParse({ ...stored.definition, id: stored.id });
    if (!parsed.success) {
      logger?.error({ routeId: stored.id, problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }, 'stored route is not valid; left out');
      continue;
    }
    const route = parsed.data as Route;
    const to = route.recipients.filter((id) => known.has(id));
    if (to.length < route.recipients.length) logger?.warn({ routeId: route.id, missing: route.recipients.filter((id) => !known.has(id)) }, 'route names recipients that are unknown or left out');
    if (to.length > 0) routes.push({ ...route, recipients: to });
  }
  return { recipients, routes };
}

export interface NotificationDispatcher {
  dispatcher: Dispatcher;
  /** re-read recipients and routes from the StateStore now */
  refresh(): Promise<void>;
  /** stop re-reading, deliver what is queued (at most timeoutMs), close the notifiers */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

export interface NotificationDispatcherOptions {
  notify: NotifyConfig;
  repository: AlertRepository;
  logger: Logger;
  metricsRegistry?: Registry;
  /** how often recipients and routes are re-read (default 60 s; 0 = never) */
  refreshMs?: number;
  /** notifiers to use instead of the configured ones (tests) */
  notifiers?: Notifier[];
}

/** The notify Dispatcher with a StateStore delivery log and StateStore-backed recipients and routes. */
export async function createNotificationDispatcher(options: NotificationDispatcherOptions): Promise<NotificationDispatcher> {
  const { notify, repository, logger } = options;
  const notifiers = options.notifiers ?? createNotifiers(notify);
  const channels = new Set(notifiers.map((n) => n.channel));
  await storeConfiguredRouting(repository, notify);
  const routing = await loadStoredRouting(repository, channels, logger);
  const dispatcher = createDispatcher({
    notifiers,
    recipients: routing.recipients,
    routes: routing.routes,
    log: new StateDeliveryLog(repository, logger),
    logger,
    ...(options.metricsRegistry ? { metrics: options.metricsRegistry } : {}),
    ...(notify.retry ? { retry: notify.retry } : {}),
  });
  const refresh = async () => {
    const next = await loadStoredRouting(repository, channels, logger);
    const result = dispatcher.setRouting(next.recipients, next.routes);
    if (!result.ok) logger.error({ problems: result.errors }, 'stored recipients and routes do not validate; keeping the previous routing');
  };
  const every = options.refreshMs ?? 60_000;
  const timer =
    every > 0
      ? setInterval(() => {
          refresh().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'could not re-read recipients and routes'));
        }, every)
      : null;
  timer?.unref();
  return {
    dispatcher,
    refresh,
    async close(closeOptions) {
      if (timer) clearInterval(timer);
      await dispatcher.close(closeOptions);
    },
  };
}
