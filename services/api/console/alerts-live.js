// The alerts of the selected city, kept current by the API's server-sent events
// (GET /v1/cities/{city}/alerts/stream). On every (re)connection the list is read again after the
// stream's `ready` event, so nothing that happened while disconnected is missed.

import { ApiProblem, getJson, readEventStream } from './api.js';
import { REFERENCE } from './reference.js';

/**
 * @typedef {{ id: string, cityId: string, siteId: string | null, deviceId: string | null, domain: string, ruleId: string,
 *   severity: string, state: 'active' | 'cleared', status: string, acknowledged: boolean, acknowledgedAt: string | null,
 *   acknowledgedBy: string | null, assignee: string | null, assignedAt: string | null, escalationLevel: number,
 *   parameter: string | null, value: number | null, peakValue: number | null, unit: string | null,
 *   standard: { id: string, version: string | null } | null, activeSince: string, raisedAt: string, clearedAt: string | null,
 *   updatedAt: string }} Alert
 * @typedef {'connecting' | 'live' | 'interrupted' | 'stopped'} LiveStatus
 * @typedef {{ change: string, alert: Alert }} AlertChange
 */

const MAX_BACKOFF_MS = 30_000;

export class LiveAlerts {
  /** @param {string} city */
  constructor(city) {
    this.city = city;
    /** @type {Map<string, Alert>} active alerts, by id */
    this.active = new Map();
    /** @type {LiveStatus} */
    this.status = 'connecting';
    /** @type {string | null} */
    this.error = null;
    /** @type {Set<(change: AlertChange | null) => void>} */
    this.listeners = new Set();
    this.controller = new AbortController();
    this.backoffMs = 1000;
    this.loaded = false;
  }

  /** @param {(change: AlertChange | null) => void} listener called with the change, or null when the whole list or the status changed */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** @param {AlertChange | null} change */
  emit(change) {
    for (const listener of this.listeners) listener(change);
  }

  /** @param {LiveStatus} status */
  setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    this.emit(null);
  }

  start() {
    void this.run();
  }

  stop() {
    this.status = 'stopped';
    this.controller.abort();
  }

  /** active alerts, the most severe first, then the newest */
  list() {
    const rank = (/** @type {string} */ severity) => {
      const i = REFERENCE.severities.indexOf(severity);
      return i < 0 ? REFERENCE.severities.length : i;
    };
    return [...this.active.values()].sort((a, b) => rank(a.severity) - rank(b.severity) || b.raisedAt.localeCompare(a.raisedAt) || b.id.localeCompare(a.id));
  }

  unacknowledgedCount() {
    let n = 0;
    for (const a of this.active.values()) if (!a.acknowledged) n += 1;
    return n;
  }

  async reload() {
    const body = await getJson(`/v1/cities/${encodeURIComponent(this.city)}/alerts`, { query: { state: 'active', limit: '500' } });
    this.active = new Map(/** @type {Alert[]} */ (body.alerts).map((a) => [a.id, a]));
    this.loaded = true;
    this.emit(null);
  }

  /** apply an alert as the API returned it after an action of this page (acknowledge, assign) */
  /** @param {Alert} alert */
  applyLocal(alert) {
    this.apply({ change: 'changed', alert }, false);
  }

  /** @param {AlertChange} change @param {boolean} announce */
  apply(change, announce = true) {
    const { alert } = change;
    if (alert.cityId !== this.city) return;
    const known = this.active.get(alert.id);
    // an older copy must not overwrite a newer one (a local action may arrive before its event)
    if (known && known.updatedAt > alert.updatedAt) return;
    if (alert.state === 'active') this.active.set(alert.id, alert);
    else this.active.delete(alert.id);
    this.emit(announce ? change : { change: 'changed', alert });
  }

  async run() {
    const { signal } = this.controller;
    while (!signal.aborted) {
      this.setStatus(this.loaded ? 'interrupted' : 'connecting');
      try {
        await readEventStream(
          `/v1/cities/${encodeURIComponent(this.city)}/alerts/stream`,
          (event, data) => {
            if (event === 'ready') {
              this.backoffMs = 1000;
              this.reload().then(
                () => this.setStatus('live'),
                (err) => {
                  this.error = err instanceof Error ? err.message : String(err);
                  this.setStatus('interrupted');
                },
              );
            } else if (event === 'alert') {
              this.apply(/** @type {AlertChange} */ (data));
            } else if (event === 'feed') {
              this.setStatus(/** @type {{ ok: boolean }} */ (data).ok ? 'live' : 'interrupted');
            }
          },
          signal,
        );
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof ApiProblem && (err.status === 401 || err.status === 403 || err.status === 404)) {
          this.error = err.message;
          this.status = 'stopped';
          this.emit(null);
          return;
        }
      }
      if (signal.aborted) return;
      this.setStatus('interrupted');
      await new Promise((resolve) => setTimeout(resolve, this.backoffMs));
      this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
    }
  }
}
