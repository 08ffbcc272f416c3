// Active alerts, live, with acknowledge and assign for operators; the alert history of the last
// 30 days and the transitions of each alert.

import { getJson, postJson } from './api.js';
import { h, replace } from './dom.js';
import { formatDateTime, formatNumber, t } from './i18n.js';
import { paramLabel, placeName, ruleName, severityLabel } from './labels.js';
import { canOperate } from './session.js';
import { errorBlock, loading, pill, problemText, section, table } from './ui.js';

const HISTORY_DAYS = 30;
const SEVERITY_KIND = { critical: 'bad', major: 'bad', minor: 'warn', warning: 'warn', info: 'muted' };

/**
 * @param {HTMLElement} main
 * @param {import('./ui.js').ViewContext} ctx
 * @returns {import('./ui.js').View}
 */
export function alertsView(main, ctx) {
  const live = ctx.live;
  const focusId = ctx.params.alert ?? null;
  /** @type {Map<string, any>} */
  let sites = new Map();
  /** @type {any[] | null} */
  let historyList = null;
  /** @type {unknown} */
  let historyError = null;
  /** @type {any | null} the alert of a deep link when it is not active */
  let focused = null;
  /** @type {Map<string, any[] | 'loading' | Error>} transitions per alert whose history is open */
  const openHistories = new Map();
  /** @type {Map<string, string>} action errors per alert */
  const actionErrors = new Map();
  const pending = new Set();

  const head = h('div', { class: 'view-head' });
  const activeBox = h('div');
  const historyBox = h('div');
  let historyTimer = 0;

  async function loadSites() {
    try {
      const body = await getJson(`/v1/cities/${encodeURIComponent(ctx.city)}/sites`);
      sites = new Map(body.sites.map((/** @type {any} */ s) => [s.id, s]));
      render();
    } catch {
      // names fall back to ids
    }
  }

  async function loadHistory() {
    try {
      const from = new Date(Date.now() - HISTORY_DAYS * 86_400_000).toISOString();
      const body = await getJson(`/v1/cities/${encodeURIComponent(ctx.city)}/alerts`, { query: { from, limit: '200' } });
      historyList = body.alerts;
      historyError = null;
    } catch (err) {
      historyError = err;
    }
    renderHistory();
  }

  async function loadFocused() {
    if (!focusId) return;
    try {
      const body = await getJson(`/v1/cities/${encodeURIComponent(ctx.city)}/alerts/${encodeURIComponent(focusId)}`);
      focused = body.alert;
      openHistories.set(focusId, body.history);
    } catch (err) {
      focused = { error: err };
    }
    render();
    const el = main.querySelector(`[data-alert-id="${CSS.escape(focusId)}"]`);
    if (el instanceof HTMLElement) {
      el.scrollIntoView({ block: 'center' });
      el.focus();
    }
  }

  /** @param {any} alert */
  function where(alert) {
    const site = alert.siteId ? sites.get(alert.siteId) : null;
    const name = site ? placeName(site) : alert.siteId ?? '';
    return [name, alert.deviceId].filter(Boolean).join(' · ');
  }

  /** @param {any} alert */
  function valueText(alert) {
    if (alert.value === null) return t('notAvailable');
    const param = alert.parameter === 'aqi' ? `${t('aqi')} ` : alert.parameter ? `${paramLabel(alert.domain, alert.parameter)} ` : '';
    return `${param}${formatNumber(alert.value, 2)}${alert.unit ? ` ${alert.unit}` : ''}`;
  }

  /** @param {string} id */
  async function toggleHistory(id) {
    if (openHistories.has(id)) {
      openHistories.delete(id);
      render();
      return;
    }
    openHistories.set(id, 'loading');
    render();
    try {
      const body = await getJson(`/v1/cities/${encodeURIComponent(ctx.city)}/alerts/${encodeURIComponent(id)}`);
      openHistories.set(id, body.history);
    } catch (err) {
      openHistories.set(id, err instanceof Error ? err : new Error(String(err)));
    }
    render();
  }

  /** @param {string} id @param {'acknowledge' | 'assign'} action @param {unknown} body */
  async function act(id, action, body) {
    pending.add(id);
    actionErrors.delete(id);
    render();
    try {
      const updated = await postJson(`/v1/cities/${encodeURIComponent(ctx.city)}/alerts/${encodeURIComponent(id)}/${action}`, body);
      live.applyLocal(updated);
      if (focused && focused.id === id) focused = updated;
      if (openHistories.has(id)) {
        const refreshed = await getJson(`/v1/cities/${encodeURIComponent(ctx.city)}/alerts/${encodeURIComponent(id)}`);
        openHistories.set(id, refreshed.history);
      }
    } catch (err) {
      actionErrors.set(id, problemText(err));
    } finally {
      pending.delete(id);
      render();
      const again = main.querySelector(`[data-alert-id="${CSS.escape(id)}"] .alert-actions button`);
      if (again instanceof HTMLElement) again.focus();
    }
  }

  /** @param {any} alert */
  function actions(alert) {
    if (!canOperate()) return null;
    const busy = pending.has(alert.id);
    const inputId = `assign-${alert.id}`;
    const form = h(
      'form',
      {
        class: 'assign-form',
        onSubmit: (/** @type {SubmitEvent} */ e) => {
          e.preventDefault();
          const input = /** @type {HTMLInputElement} */ (form.querySelector('input'));
          const value = input.value.trim();
          void act(alert.id, 'assign', { assignee: value === '' ? null : value });
        },
      },
      h('label', { for: inputId }, t('assignTo')),
      h('input', { id: inputId, name: 'assignee', type: 'text', maxlength: '100', autocomplete: 'off', value: alert.assignee ?? '' }),
      h('button', { type: 'submit', class: 'button', disabled: busy }, t('assign')),
    );
    return h(
      'div',
      { class: 'alert-actions' },
      alert.acknowledged ? null : h('button', { type: 'button', id: `ack-${alert.id}`, class: 'button button-primary ack-button', disabled: busy, onClick: () => void act(alert.id, 'acknowledge', {}) }, t('acknowledge')),
      form,
    );
  }

  /** @param {string} id */
  function historyBlock(id) {
    const entry = openHistories.get(id);
    if (!entry) return null;
    if (entry === 'loading') return loading();
    if (entry instanceof Error) return errorBlock(entry);
    return h(
      'ol',
      { class: 'transitions' },
      entry.map((/** @type {any} */ tr) =>
        h('li', null, h('time', { datetime: tr.at }, formatDateTime(tr.at)), ' ', h('strong', null, t(`transition_${tr.transition}`)), ` ${t('by')} ${tr.actor}`, tr.note ? ` — ${tr.note}` : ''),
      ),
    );
  }

  /** @param {any} alert */
  function alertCard(alert) {
    const open = openHistories.has(alert.id);
    const error = actionErrors.get(alert.id);
    return h(
      'article',
      { class: `alert-card severity-${alert.severity}`, 'data-alert-id': alert.id, 'data-rule': alert.ruleId, 'data-status': alert.status, tabindex: '-1', 'aria-labelledby': `title-${alert.id}` },
      h(
        'header',
        null,
        pill(severityLabel(alert.severity), /** @type {Record<string, string>} */ (SEVERITY_KIND)[alert.severity] ?? 'muted'),
        ' ',
        h('h3', { id: `title-${alert.id}` }, ruleName(alert.ruleId)),
      ),
      h(
        'dl',
        { class: 'facts facts-inline' },
        h('dt', null, t('site')),
        h('dd', null, where(alert) || t('notAvailable')),
        h('dt', null, t('value')),
        h('dd', null, valueText(alert)),
        h('dt', null, t('since')),
        h('dd', null, h('time', { datetime: alert.activeSince }, formatDateTime(alert.activeSince))),
        alert.clearedAt ? h('dt', null, t('clearedAt')) : null,
        alert.clearedAt ? h('dd', null, formatDateTime(alert.clearedAt)) : null,
        h('dt', null, t('state')),
        h('dd', { class: 'alert-status' }, t(`status_${alert.status}`), alert.acknowledgedBy ? ` (${t('acknowledgedBy', { who: alert.acknowledgedBy })})` : ''),
        h('dt', null, t('assignee')),
        h('dd', { class: 'alert-assignee' }, alert.assignee ?? t('unassigned')),
      ),
      actions(alert),
      error ? h('p', { class: 'error-text', role: 'alert' }, error) : null,
      h('button', { type: 'button', id: `history-${alert.id}`, class: 'button button-quiet', 'aria-expanded': open ? 'true' : 'false', onClick: () => void toggleHistory(alert.id) }, open ? t('hideHistory') : t('showHistory')),
      historyBlock(alert.id),
    );
  }

  function liveText() {
    if (live.status === 'live') return t('live');
    if (live.status === 'connecting') return t('liveConnecting');
    if (live.status === 'stopped') return live.error ?? t('liveInterrupted');
    return t('liveInterrupted');
  }

  function renderHead() {
    replace(
      head,
      h('h1', { tabindex: '-1' }, `${ctx.cityName()} · ${t('navAlerts')}`),
      h('p', { class: `live-status live-${live.status}`, role: 'status' }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), liveText()),
    );
  }

  /** keep what the user is typing, and the focus, across a re-render caused by a live event */
  function keepFocus(/** @type {() => void} */ draw) {
    const active = document.activeElement;
    const inside = active instanceof HTMLElement && activeBox.contains(active) && active.id ? active.id : null;
    const typed = active instanceof HTMLInputElement ? { value: active.value, start: active.selectionStart, end: active.selectionEnd } : null;
    draw();
    if (!inside) return;
    const again = document.getElementById(inside);
    if (!again) return;
    if (typed && again instanceof HTMLInputElement) {
      again.value = typed.value;
      again.setSelectionRange(typed.start, typed.end);
    }
    again.focus();
  }

  function renderActive() {
    keepFocus(drawActive);
  }

  function drawActive() {
    const list = live.list();
    const focusCard = focused && !focused.error && !live.active.has(focused.id) ? alertCard(focused) : null;
    const focusError = focused?.error ? h('p', { class: 'error-text', role: 'alert' }, t('alertNotInCity', { id: focusId ?? '' }), ' ', problemText(focused.error)) : null;
    replace(
      activeBox,
      section(
        t('activeAlerts'),
        'active-alerts-title',
        canOperate() ? null : h('p', { class: 'note viewer-note' }, t('viewerCannotAct')),
        focusError,
        focusCard,
        !live.loaded && live.status !== 'stopped' ? loading() : list.length === 0 ? h('p', { class: 'muted empty-active' }, t('noActiveAlerts')) : h('div', { class: 'alert-list' }, list.map(alertCard)),
      ),
    );
  }

  function renderHistory() {
    let content;
    if (historyError) content = errorBlock(historyError, () => void loadHistory());
    else if (!historyList) content = loading();
    else if (historyList.length === 0) content = h('p', { class: 'muted' }, t('noAlertHistory'));
    else
      content = table(
        t('alertHistory'),
        [t('rule'), t('site'), t('severity'), t('since'), t('clearedAt'), t('state')],
        historyList.map((a) =>
          h(
            'tr',
            { 'data-alert-id': a.id },
            h('th', { scope: 'row' }, h('a', { href: `#/c/${encodeURIComponent(ctx.city)}/alerts/${encodeURIComponent(a.id)}` }, ruleName(a.ruleId))),
            h('td', null, where(a)),
            h('td', null, severityLabel(a.severity)),
            h('td', null, h('time', { datetime: a.activeSince }, formatDateTime(a.activeSince))),
            h('td', null, a.clearedAt ? formatDateTime(a.clearedAt) : '–'),
            h('td', null, t(`status_${a.status}`)),
          ),
        ),
        { class: 'history-table' },
      );
    replace(historyBox, section(t('alertHistory'), 'alert-history-title', content));
  }

  function render() {
    renderHead();
    renderActive();
    renderHistory();
  }

  const unsubscribe = live.subscribe((change) => {
    if (change && focused && change.alert.id === focused.id) focused = change.alert;
    renderHead();
    renderActive();
    // the history follows the live changes, at most every few seconds
    window.clearTimeout(historyTimer);
    historyTimer = window.setTimeout(() => void loadHistory(), change ? 1500 : 0);
  });

  replace(main, head, activeBox, historyBox);
  render();
  void loadSites();
  void loadHistory();
  void loadFocused();
  return {
    render,
    destroy: () => {
      unsubscribe();
      window.clearTimeout(historyTimer);
    },
  };
}
