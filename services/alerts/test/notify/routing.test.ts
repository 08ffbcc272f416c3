import { describe, expect, it } from 'vitest';
import { inQuietHours, parseRoutingConfig, quietHoursEnd, resolveRecipients, routeMatches, type Route } from '../../src/notify/routing.ts';
import type { Recipient } from '../../src/notify/types.ts';
import { pm25Notification } from './fixtures.ts';

/** epoch ms of a Bangkok wall-clock time */
const bkk = (iso: string) => Date.parse(`${iso}+07:00`);
const QUIET = { from: '22:00', to: '07:00' };

const recipients: Recipient[] = [
  { id: 'cnx-duty', name: 'Chiang Mai duty officer', channel: 'line', address: `U${'a'.repeat(32)}`, language: 'th' },
  { id: 'cnx-env-office', name: 'Environment office', channel: 'email', address: 'env@example.go.th', language: 'both' },
  { id: 'ops-webhook', name: 'Operations webhook', channel: 'webhook', address: 'https://ops.example.go.th/hooks/alerts', language: 'en' },
];

describe('parseRoutingConfig', () => {
  it('accepts a valid config', () => {
    const result = parseRoutingConfig({
      recipients,
      routes: [{ id: 'cnx-air', cities: ['cnx'], domains: ['air'], severities: ['critical', 'major'], recipients: ['cnx-duty'], quietHours: QUIET }],
    });
    expect(result).toEqual({ ok: true, value: { recipients, routes: [expect.objectContaining({ id: 'cnx-air', quietHours: QUIET })] } });
  });

  it('reports every problem with its path and what to do', () => {
    const result = parseRoutingConfig({
      recipients: [...recipients, { id: 'bad-line', name: 'x', channel: 'line', address: 'somchai', language: 'th' }],
      routes: [
        { id: 'a', domains: ['air', 'noise'], recipients: ['cnx-duty'] },
        { id: 'b', severities: ['urgent'], recipients: [], quietHours: { from: '25:00', to: '07:00' } },
        { id: 'c', severity: ['critical'], recipients: ['cnx-duty'] },
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^recipients\[3\]\.address: a line address must be a LINE userId/),
        'routes[0].domains[1]: domain must be one of air, water, energy, waste, system',
        'routes[1].severities[0]: severity must be one of critical, major, minor, warning, info',
        'routes[1].recipients: a route needs at least one recipient id',
        'routes[1].quietHours.from: write a 24-hour Asia/Bangkok time as HH:MM, e.g. "22:00"',
        expect.stringMatching(/^routes\[2\]: unknown field\(s\) severity; a route has id, cities, domains, severities/),
      ]),
    );
    // the invalid address itself is personal data and is not echoed back
    expect(result.errors.join('\n')).not.toContain('somchai');
  });

  it('finds unknown recipient ids and duplicate ids', () => {
    const result = parseRoutingConfig({
      recipients,
      routes: [
        { id: 'a', recipients: ['cnx-duty', 'nobody'] },
        { id: 'a', recipients: ['ops-webhook'] },
      ],
    });
    expect(result).toEqual({
      ok: false,
      errors: ['routes[1].id: route id "a" is already used by routes[0]; ids must be unique', 'routes[0].recipients[1]: no recipient has id "nobody"; add it to "recipients" or fix the id'],
    });
  });

  it('checks route recipients against recipients kept elsewhere', () => {
    expect(parseRoutingConfig({ routes: [{ id: 'a', recipients: ['cnx-duty'] }] }, { knownRecipients: recipients }).ok).toBe(true);
    expect(parseRoutingConfig({ routes: [{ id: 'a', recipients: ['x'] }] }, { knownRecipients: recipients }).ok).toBe(false);
  });

  it('rejects quiet hours that start and end at the same time', () => {
    const result = parseRoutingConfig({ routes: [{ id: 'a', recipients: ['x'], quietHours: { from: '22:00', to: '22:00' } }] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatch(/^routes\[0\]\.quietHours: quietHours "from" and "to" are equal/);
  });
});

describe('routeMatches', () => {
  const route = (r: Partial<Route>): Route => ({ id: 'r', recipients: ['x'], ...r });

  it('matches on city, domain, severity and transition; a missing field matches all', () => {
    const n = pm25Notification();
    expect(routeMatches(route({}), n)).toBe(true);
    expect(routeMatches(route({ cities: ['cnx'], domains: ['air'], severities: ['major'], transitions: ['raised'] }), n)).toBe(true);
    expect(routeMatches(route({ cities: ['bkk'] }), n)).toBe(false);
    expect(routeMatches(route({ domains: ['water'] }), n)).toBe(false);
    expect(routeMatches(route({ severities: ['critical'] }), n)).toBe(false);
    expect(routeMatches(route({ transitions: ['cleared'] }), n)).toBe(false);
  });

  it('adds escalation recipients from their level on, and keeps them for later transitions of the alert', () => {
    const supervisors = route({ escalationLevel: 1 });
    expect(routeMatches(supervisors, pm25Notification({ escalationLevel: 0 }))).toBe(false);
    expect(routeMatches(supervisors, pm25Notification({ transition: 'escalated', escalationLevel: 1 }))).toBe(true);
    expect(routeMatches(supervisors, pm25Notification({ transition: 'cleared', escalationLevel: 2 }))).toBe(true);
  });
});

describe('quiet hours (Asia/Bangkok)', () => {
  it('knows a period that wraps midnight', () => {
    expect(inQuietHours(QUIET, bkk('2026-11-04T21:59'))).toBe(false);
    expect(inQuietHours(QUIET, bkk('2026-11-04T22:00'))).toBe(true);
    expect(inQuietHours(QUIET, bkk('2026-11-05T03:00'))).toBe(true);
    expect(inQuietHours(QUIET, bkk('2026-11-05T06:59'))).toBe(true);
    expect(inQuietHours(QUIET, bkk('2026-11-05T07:00'))).toBe(false);
  });

  it('knows a period inside one day', () => {
    const lunch = { from: '12:00', to: '13:00' };
    expect(inQuietHours(lunch, bkk('2026-11-04T11:59'))).toBe(false);
    expect(inQuietHours(lunch, bkk('2026-11-04T12:30'))).toBe(true);
    expect(inQuietHours(lunch, bkk('2026-11-04T13:00'))).toBe(false);
  });

  it('ends the period at the next "to" time, the same night or the next morning', () => {
    expect(quietHoursEnd(QUIET, bkk('2026-11-04T23:15'))).toBe(bkk('2026-11-05T07:00'));
    expect(quietHoursEnd(QUIET, bkk('2026-11-05T02:00'))).toBe(bkk('2026-11-05T07:00'));
  });
});

describe('resolveRecipients', () => {
  const routes: Route[] = [
    { id: 'duty', cities: ['cnx'], recipients: ['cnx-duty', 'cnx-env-office'], quietHours: QUIET },
    { id: 'ops', recipients: ['ops-webhook', 'cnx-env-office'] },
    { id: 'supervisors', escalationLevel: 1, recipients: ['cnx-supervisor'] },
  ];

  it('defers a non-critical notification in quiet hours to the end of the period instead of dropping it', () => {
    const at = bkk('2026-11-04T23:15');
    const result = resolveRecipients(pm25Notification({ severity: 'major' }), routes, at);
    expect(result).toEqual([
      { recipientId: 'cnx-duty', notBefore: bkk('2026-11-05T07:00'), routeIds: ['duty'] },
      // also on a route without quiet hours: that route lets it go now
      { recipientId: 'cnx-env-office', notBefore: null, routeIds: ['duty', 'ops'] },
      { recipientId: 'ops-webhook', notBefore: null, routeIds: ['ops'] },
    ]);
  });

  it('sends critical notifications at once, even in quiet hours', () => {
    const result = resolveRecipients(pm25Notification({ severity: 'critical' }), routes, bkk('2026-11-04T23:15'));
    expect(result.find((r) => r.recipientId === 'cnx-duty')?.notBefore).toBeNull();
  });

  it('sends at once outside quiet hours and includes escalation recipients when escalated', () => {
    const result = resolveRecipients(pm25Notification({ transition: 'escalated', escalationLevel: 1 }), routes, bkk('2026-11-04T10:00'));
    expect(result.map((r) => [r.recipientId, r.notBefore])).toEqual([
      ['cnx-duty', null],
      ['cnx-env-office', null],
      ['ops-webhook', null],
      ['cnx-supervisor', null],
    ]);
  });
});
