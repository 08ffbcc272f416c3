/** Checks an AlertNotification from the engine before it is queued, so a malformed one is an error value, not a crash. */
import { ALERT_DOMAINS } from '@mueang/core';
import { z } from 'zod';
import { ALERT_TRANSITIONS, SEVERITIES, type AlertNotification, type AlertTransition, type Severity } from './types.ts';

const bilingual = z.object({ th: z.string(), en: z.string() });
const epochMs = z.number().int().nonnegative();
const named = z.object({ id: z.string().min(1), name: z.string(), nameTh: z.string().nullable() });

export const alertNotificationSchema = z.looseObject({
  alertId: z.string().min(1),
  transition: z.enum(ALERT_TRANSITIONS as [AlertTransition, ...AlertTransition[]]),
  severity: z.enum(SEVERITIES as [Severity, ...Severity[]]),
  ruleId: z.string().min(1),
  ruleName: bilingual,
  city: named,
  site: named.nullable(),
  device: z.object({ id: z.string().min(1), name: z.string().nullable() }).nullable(),
  domain: z.enum(ALERT_DOMAINS),
  parameter: z.string().nullable(),
  value: z.number().finite().nullable(),
  unit: z.string().nullable(),
  standard: z
    .object({ id: z.string().min(1), version: z.string().min(1), limit: z.number().finite(), averaging: z.string(), source: z.string() })
    .nullable(),
  at: epochMs,
  windowFrom: epochMs.nullable(),
  windowTo: epochMs.nullable(),
  escalationLevel: z.number().int().nonnegative(),
  acknowledgedBy: z.string().nullable().optional(),
  assignee: z.string().nullable().optional(),
  consoleUrl: z.string().nullable().optional(),
  system: z.object({ source: z.string().min(1), summary: z.string() }).nullable().optional(),
});

export function checkNotification(input: unknown): { ok: true; value: AlertNotification } | { ok: false; errors: string[] } {
  const parsed = alertNotificationSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data as AlertNotification };
  return { ok: false, errors: parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`) };
}
