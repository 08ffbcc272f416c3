/**
 * The notification section of the configuration: which notifiers exist, the recipients, the routes and the retry
 * policy. Secrets may be written as "env:NAME" so that config files can be committed without them.
 */
import { z } from 'zod';
import type { RetryPolicy } from './dispatcher.ts';
import { emailConfigSchema, createEmailNotifier } from './email/index.ts';
import { lineConfigSchema, createLineNotifier } from './line/index.ts';
import { createMqttNotifier, mqttConfigSchema } from './mqtt/index.ts';
import { formatIssues, parseRoutingConfig, recipientSchema, routeSchema, type ParseResult, type Route } from './routing.ts';
import type { Notifier, Recipient } from './types.ts';
import { createWebhookNotifier, webhookConfigSchema } from './webhook/index.ts';

export const notifyConfigSchema = z.strictObject(
  {
    webhook: webhookConfigSchema.optional(),
    email: emailConfigSchema.optional(),
    line: lineConfigSchema.optional(),
    mqtt: mqttConfigSchema.optional(),
    recipients: z.array(recipientSchema).default([]),
    routes: z.array(routeSchema).default([]),
    retry: z
      .strictObject({
        maxAttempts: z.number().int().min(1).max(100).optional(),
        baseDelayMs: z.number().int().min(0).optional(),
        maxDelayMs: z.number().int().min(0).optional(),
      })
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}; the notify section has webhook, email, line, mqtt, recipients, routes, retry` : undefined,
  },
);

export type NotifyConfig = Omit<z.output<typeof notifyConfigSchema>, 'recipients' | 'routes' | 'retry'> & {
  recipients: Recipient[];
  routes: Route[];
  retry?: Partial<RetryPolicy>;
};

/** Replace every "env:NAME" string with the variable's value; a missing variable is an error naming it. */
export function resolveEnvReferences(input: unknown, env: Record<string, string | undefined>, path = ''): { value: unknown; errors: string[] } {
  if (typeof input === 'string' && input.startsWith('env:')) {
    const name = input.slice(4);
    const value = env[name];
    if (value === undefined || value === '') return { value: input, errors: [`${path || '(root)'}: environment variable ${name} is not set; set it or write the value in the file`] };
    return { value, errors: [] };
  }
  if (Array.isArray(input)) {
    const errors: string[] = [];
    const value = input.map((item, i) => {
      const r = resolveEnvReferences(item, env, `${path}[${i}]`);
      errors.push(...r.errors);
      return r.value;
    });
    return { value, errors };
  }
  if (input !== null && typeof input === 'object') {
    const errors: string[] = [];
    const value: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(input)) {
      const r = resolveEnvReferences(item, env, path ? `${path}.${key}` : key);
      errors.push(...r.errors);
      value[key] = r.value;
    }
    return { value, errors };
  }
  return { value: input, errors: [] };
}

/**
 * Validate the notify section: shapes, env references, recipient ids used by routes, and that every recipient's
 * channel has a notifier configured. One message per problem.
 */
export function parseNotifyConfig(input: unknown, env: Record<string, string | undefined> = process.env): ParseResult<NotifyConfig> {
  const resolved = resolveEnvReferences(input, env);
  if (resolved.errors.length > 0) return { ok: false, errors: resolved.errors };
  const parsed = notifyConfigSchema.safeParse(resolved.value);
  if (!parsed.success) return { ok: false, errors: formatIssues(parsed.error) };
  const config = parsed.data;
  const routing = parseRoutingConfig({ recipients: config.recipients, routes: config.routes });
  const errors = routing.ok ? [] : [...routing.errors];
  config.recipients.forEach((r, i) => {
    if (config[r.channel] === undefined) errors.push(`recipients[${i}]: channel "${r.channel}" is used but the "${r.channel}" notifier is not configured`);
  });
  if (config.mqtt && !config.mqtt.url) errors.push('mqtt.url: set the broker URL, e.g. "mqtt://127.0.0.1:1883"');
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: config };
}

/** One notifier per configured channel. */
export function createNotifiers(config: NotifyConfig): Notifier[] {
  const notifiers: Notifier[] = [];
  if (config.webhook) notifiers.push(createWebhookNotifier(config.webhook));
  if (config.email) notifiers.push(createEmailNotifier(config.email));
  if (config.line) notifiers.push(createLineNotifier(config.line));
  if (config.mqtt) notifiers.push(createMqttNotifier(config.mqtt));
  return notifiers;
}
