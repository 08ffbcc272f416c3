/**
 * Routes as data: which recipients hear about which notifications, and when. A route matches on city, domain,
 * severity, transition and escalation level (every field left out matches everything). Quiet hours are
 * Asia/Bangkok wall-clock times; critical alerts ignore them, anything else that falls inside is deferred to the
 * end of the quiet period, never dropped.
 */
import { ALERT_DOMAINS, bangkokDayStart, BANGKOK_OFFSET_MS, DAY_MS, isValidId, MINUTE_MS, type AlertDomain } from '@mueang/core';
import { z } from 'zod';
import { ALERT_TRANSITIONS, CHANNELS, SEVERITIES, type AlertNotification, type AlertTransition, type Recipient, type Severity } from './types.ts';

export interface QuietHours {
  /** 'HH:MM', Asia/Bangkok */
  from: string;
  to: string;
}

export interface Route {
  id: string;
  cities?: string[];
  /** 'system' = alerts about the platform itself (disk space) */
  domains?: AlertDomain[];
  severities?: Severity[];
  transitions?: AlertTransition[];
  /** recipients join once the alert reaches this escalation level (0 or absent: from the start) */
  escalationLevel?: number;
  recipients: string[];
  quietHours?: QuietHours;
}

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

const idSchema = (what: string) =>
  z.string().refine(isValidId, { error: `${what} must be 1-64 of a-z, 0-9, "-" and "_", starting with a letter or digit` });

const timeOfDaySchema = z.string().regex(TIME_OF_DAY, { error: 'write a 24-hour Asia/Bangkok time as HH:MM, e.g. "22:00"' });

const ROUTE_FIELDS = ['id', 'cities', 'domains', 'severities', 'transitions', 'escalationLevel', 'recipients', 'quietHours'];

export const routeSchema = z.strictObject(
  {
    id: z.string().min(1, { error: 'every route needs an id (any name, used in logs)' }),
    cities: z.array(idSchema('a city id')).min(1, { error: 'leave "cities" out to match every city; an empty list matches none' }).optional(),
    domains: z.array(z.enum(ALERT_DOMAINS, { error: `domain must be one of ${ALERT_DOMAINS.join(', ')}` })).min(1, { error: 'leave "domains" out to match every domain' }).optional(),
    severities: z
      .array(z.enum(SEVERITIES as [Severity, ...Severity[]], { error: `severity must be one of ${SEVERITIES.join(', ')}` }))
      .min(1, { error: 'leave "severities" out to match every severity' })
      .optional(),
    transitions: z
      .array(z.enum(ALERT_TRANSITIONS as [AlertTransition, ...AlertTransition[]], { error: `transition must be one of ${ALERT_TRANSITIONS.join(', ')}` }))
      .min(1, { error: 'leave "transitions" out to match every transition' })
      .optional(),
    escalationLevel: z.number().int({ error: 'escalationLevel is a whole number >= 0' }).min(0, { error: 'escalationLevel is a whole number >= 0' }).optional(),
    recipients: z.array(z.string().min(1)).min(1, { error: 'a route needs at least one recipient id' }),
    quietHours: z
      .strictObject({ from: timeOfDaySchema, to: timeOfDaySchema }, { error: 'quietHours is {"from": "22:00", "to": "07:00"}' })
      .refine((q) => q.from !== q.to, { error: 'quietHours "from" and "to" are equal: remove quietHours, or give a period such as 22:00-07:00' })
      .optional(),
  },
  {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.join(', ')}; a route has ${ROUTE_FIELDS.join(', ')}`;
      if (issue.code === 'invalid_type') return 'a route is an object such as {"id": "cnx-air", "domains": ["air"], "recipients": ["cnx-duty"]}';
      return undefined;
    },
  },
);

const ADDRESS_RULES: Record<Recipient['channel'], { test: (address: string) => boolean; hint: string }> = {
  webhook: { test: (a) => /^https?:\/\/[^\s]+$/.test(a), hint: 'an http(s) URL' },
  email: { test: (a) => /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(a), hint: 'an e-mail address' },
  line: { test: (a) => /^[UCR][0-9a-f]{32}$/.test(a), hint: 'a LINE userId/groupId/roomId (U, C or R followed by 32 hex digits; the bot learns it from a webhook event)' },
  mqtt: { test: () => true, hint: 'any text (the topic is always v1/{city}/alerts/{alertId})' },
};

export const recipientSchema = z
  .strictObject({
    id: idSchema('a recipient id'),
    name: z.string().min(1, { error: 'name is what people see; use a role ("Chiang Mai duty officer") rather than a person where you can' }),
    channel: z.enum(CHANNELS as [Recipient['channel'], ...Recipient['channel'][]], { error: `channel must be one of ${CHANNELS.join(', ')}` }),
    address: z.string(),
    language: z.enum(['th', 'en', 'both'], { error: 'language must be th, en or both' }).default('both'),
  })
  .superRefine((r, ctx) => {
    const rule = ADDRESS_RULES[r.channel];
    // the address itself is personal data (PDPA): the message says what is wrong, not what was given
    if (!rule.test(r.address)) ctx.addIssue({ code: 'custom', path: ['address'], message: `a ${r.channel} address must be ${rule.hint}` });
  });

export const routingConfigSchema = z.object({
  recipients: z.array(recipientSchema, { error: 'recipients is a list of {"id", "name", "channel", "address", "language"}' }).optional(),
  routes: z.array(routeSchema, { error: 'routes is a list of routes, e.g. [{"id": "all", "recipients": ["cnx-duty"]}]' }),
});

export interface RoutingConfig {
  recipients: Recipient[];
  routes: Route[];
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/**
 * Validate routes (and, when present, recipients). Errors name the path and say what to do, e.g.
 * `routes[1].quietHours.from: write a 24-hour Asia/Bangkok time as HH:MM, e.g. "22:00"`.
 * `knownRecipients` are recipients kept elsewhere (the StateStore) that routes may name too.
 */
export function parseRoutingConfig(input: unknown, options: { knownRecipients?: readonly Recipient[] } = {}): ParseResult<RoutingConfig> {
  const parsed = routingConfigSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: formatIssues(parsed.error) };
  const recipients = parsed.data.recipients ?? [];
  const routes = parsed.data.routes;
  const errors = [...duplicates(recipients.map((r) => r.id), 'recipients', 'recipient id'), ...duplicates(routes.map((r) => r.id), 'routes', 'route id')];
  const known = new Set([...recipients, ...(options.knownRecipients ?? [])].map((r) => r.id));
  if (parsed.data.recipients !== undefined || options.knownRecipients !== undefined) {
    routes.forEach((route, i) =>
      route.recipients.forEach((id, j) => {
        if (!known.has(id)) errors.push(`routes[${i}].recipients[${j}]: no recipient has id "${id}"; add it to "recipients" or fix the id`);
      }),
    );
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { recipients, routes } };
}

export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

function duplicates(ids: string[], list: string, what: string): string[] {
  const seen = new Map<string, number>();
  const errors: string[] = [];
  ids.forEach((id, i) => {
    const first = seen.get(id);
    if (first !== undefined) errors.push(`${list}[${i}].id: ${what} "${id}" is already used by ${list}[${first}]; ids must be unique`);
    else seen.set(id, i);
  });
  return errors;
}

export function routeMatches(route: Route, n: AlertNotification): boolean {
  if (route.cities && !route.cities.includes(n.city.id)) return false;
  if (route.domains && !route.domains.includes(n.domain)) return false;
  if (route.severities && !route.severities.includes(n.severity)) return false;
  if (route.transitions && !route.transitions.includes(n.transition)) return false;
  if (route.escalationLevel !== undefined && n.escalationLevel < route.escalationLevel) return false;
  return true;
}

function minutesOf(time: string): number {
  const match = TIME_OF_DAY.exec(time);
  if (!match) throw new RangeError(`"${time}" is not HH:MM`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Whether `ts` falls inside the quiet period (which may wrap midnight: 22:00-07:00). */
export function inQuietHours(quiet: QuietHours, ts: number): boolean {
  const minute = Math.floor(((ts + BANGKOK_OFFSET_MS) % DAY_MS) / MINUTE_MS);
  const from = minutesOf(quiet.from);
  const to = minutesOf(quiet.to);
  return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}

/** The end of the quiet period containing `ts`: the next `to` time of day after ts, Asia/Bangkok. */
export function quietHoursEnd(quiet: QuietHours, ts: number): number {
  const end = bangkokDayStart(ts) + minutesOf(quiet.to) * MINUTE_MS;
  return end > ts ? end : end + DAY_MS;
}

/** When a route lets a notification go: null = now; otherwise the end of its quiet hours. */
export function routeReleaseTime(route: Route, n: AlertNotification, now: number): number | null {
  if (!route.quietHours || n.severity === 'critical' || !inQuietHours(route.quietHours, now)) return null;
  return quietHoursEnd(route.quietHours, now);
}

export interface RoutedRecipient {
  recipientId: string;
  /** null = deliver now; else not before this epoch ms (quiet hours) */
  notBefore: number | null;
  routeIds: string[];
}

/**
 * The recipients a notification goes to, each once. A recipient reached by several routes is sent to as soon as
 * any of them allows (one route without quiet hours is enough to deliver now).
 */
export function resolveRecipients(n: AlertNotification, routes: readonly Route[], now: number): RoutedRecipient[] {
  const byRecipient = new Map<string, RoutedRecipient>();
  for (const route of routes) {
    if (!routeMatches(route, n)) continue;
    const release = routeReleaseTime(route, n, now);
    for (const recipientId of route.recipients) {
      const existing = byRecipient.get(recipientId);
      if (!existing) {
        byRecipient.set(recipientId, { recipientId, notBefore: release, routeIds: [route.id] });
        continue;
      }
      existing.routeIds.push(route.id);
      existing.notBefore = existing.notBefore === null || release === null ? null : Math.min(existing.notBefore, release);
    }
  }
  return [...byRecipient.values()];
}
