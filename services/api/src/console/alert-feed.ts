import { HOUR_MS } from '@mueang/core';
import type { AlertRecord, AlertRepository } from '@mueang/storage';
import type { FastifyBaseLogger } from 'fastify';

/**
 * Alert changes per city for the live console, by polling the AlertRepository.
 *
 * Why polling rather than subscribing to MQTT `v1/{city}/alerts/#`: the repository is the truth
 * the alert list is read from, so the page never shows a state the list would not; it sees
 * acknowledgements and assignments made through this API at the next poll, whereas the alerts
 * service publishes them only when its outbox pump runs; and the API needs no broker account and
 * works when the broker or the alerts service is down. The cost is one indexed query per watched
 * city every pollIntervalMs (default 2 s), shared by every open page of that city, and none while
 * nobody watches.
 */

export type AlertChange = 'raised' | 'cleared' | 'acknowledged' | 'assigned' | 'escalated' | 'severity_changed' | 'changed';

export interface AlertFeedEvent {
  change: AlertChange;
  alert: AlertRecord;
}

export interface FeedStatus {
  ok: boolean;
  /** why live updates are interrupted (ok = false) */
  message: string | null;
}

export interface AlertFeedListener {
  onAlert(event: AlertFeedEvent): void;
  onStatus(status: FeedStatus): void;
}

export interface AlertFeedOptions {
  repository: Pick<AlertRepository, 'list'>;
  /** default 2000 ms */
  pollIntervalMs?: number;
  /** alerts cleared longer ago than this are not watched (default 24 h) */
  recentMs?: number;
  now?: () => number;
  logger?: FastifyBaseLogger;
}

/** the page size of one poll; more alerts than this raised or cleared within recentMs in one city are not followed live */
const WATCH_LIMIT = 500;

/** the lifecycle fields whose change is news; the observed value changes at every evaluation and is not */
function signature(alert: AlertRecord): string {
  return [alert.state, alert.status, alert.severity, alert.escalationLevel, alert.assignee ?? '', alert.acknowledged].join('|');
}

export function changeOf(before: AlertRecord | undefined, after: AlertRecord): AlertChange {
  if (!before) return after.state === 'active' ? 'raised' : 'changed';
  if (before.state === 'active' && after.state === 'cleared') return 'cleared';
  if (!before.acknowledged && after.acknowledged) return 'acknowledged';
  if ((before.assignee ?? null) !== (after.assignee ?? null)) return 'assigned';
  if (after.escalationLevel !== before.escalationLevel) return 'escalated';
  if (after.severity !== before.severity) return 'severity_changed';
  return 'changed';
}

class CityWatch {
  readonly listeners = new Set<AlertFeedListener>();
  private known: Map<string, { sig: string; alert: AlertRecord }> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failing: string | null = null;
  private stopped = false;
  private markPrimed: () => void = () => undefined;
  /** settles after the first poll (successful or not): from then on every change is an event */
  readonly primed: Promise<void> = new Promise((resolve) => {
    this.markPrimed = resolve;
  });

  constructor(
    private readonly cityId: string,
    private readonly options: Required<Omit<AlertFeedOptions, 'logger'>> & { logger?: FastifyBaseLogger | undefined },
  ) {}

  start(): void {
    void this.poll();
  }

  stop(): void {
    this.stopped = true;
    this.markPrimed();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** one poll now (tests, and the first one after start) */
  async poll(): Promise<void> {
    if (this.stopped) return;
    try {
      const page = await this.options.repository.list({ cityId: this.cityId, from: this.options.now() - this.options.recentMs, limit: WATCH_LIMIT });
      this.apply(page.items);
      if (this.failing !== null) {
        this.failing = null;
        this.emitStatus({ ok: true, message: null });
      }
    } catch (err) {
      const message = 'The alert store cannot be read right now; live updates resume when it answers.';
      if (this.failing === null) {
        this.options.logger?.warn({ cityId: this.cityId, err: (err as Error).message }, 'alert feed: could not poll the alert repository');
        this.emitStatus({ ok: false, message });
      }
      this.failing = message;
    } finally {
      this.markPrimed();
      if (!this.stopped) this.timer = setTimeout(() => void this.poll(), this.options.pollIntervalMs);
    }
  }

  private apply(items: AlertRecord[]): void {
    const next = new Map(items.map((alert) => [alert.id, { sig: signature(alert), alert }]));
    const before = this.known;
    this.known = next;
    // the first poll only learns the current state: the page reads the list itself when it connects
    if (before === null) return;
    // oldest first, so that a page applying the events in order ends in the newest state
    for (const item of [...next.values()].reverse()) {
      const previous = before.get(item.alert.id);
      if (previous && previous.sig === item.sig) continue;
      this.emitAlert({ change: changeOf(previous?.alert, item.alert), alert: item.alert });
    }
  }

  private emitAlert(event: AlertFeedEvent): void {
    for (const listener of this.listeners) listener.onAlert(event);
  }

  private emitStatus(status: FeedStatus): void {
    for (const listener of this.listeners) listener.onStatus(status);
  }
}

export class AlertFeed {
  private readonly watches = new Map<string, CityWatch>();
  private readonly options: Required<Omit<AlertFeedOptions, 'logger'>> & { logger?: FastifyBaseLogger | undefined };

  constructor(options: AlertFeedOptions) {
    this.options = {
      repository: options.repository,
      pollIntervalMs: options.pollIntervalMs ?? 2000,
      recentMs: options.recentMs ?? 24 * HOUR_MS,
      now: options.now ?? Date.now,
      logger: options.logger,
    };
  }

  /**
   * Start following a city (shared with other listeners of that city). `primed` settles once the
   * city's current alerts are known: read the list after it, and every later change arrives as an event.
   */
  subscribe(cityId: string, listener: AlertFeedListener): { unsubscribe: () => void; primed: Promise<void> } {
    let watch = this.watches.get(cityId);
    if (!watch) {
      watch = new CityWatch(cityId, this.options);
      this.watches.set(cityId, watch);
      watch.start();
    }
    watch.listeners.add(listener);
    const current = watch;
    const unsubscribe = () => {
      current.listeners.delete(listener);
      if (current.listeners.size === 0 && this.watches.get(cityId) === current) {
        current.stop();
        this.watches.delete(cityId);
      }
    };
    return { unsubscribe, primed: current.primed };
  }

  /** cities being polled now */
  get watchedCities(): string[] {
    return [...this.watches.keys()];
  }

  close(): void {
    for (const watch of this.watches.values()) watch.stop();
    this.watches.clear();
  }
}
