import { describe, expect, it } from 'vitest';
import { createNotifiers, parseNotifyConfig, resolveEnvReferences } from '../../src/notify/config.ts';
import { parseRoutingConfig } from '../../src/notify/routing.ts';

describe('parseNotifyConfig', () => {
  const line = { channelAccessToken: 'env:LINE_TOKEN' };
  const recipient = { id: 'duty', name: 'Duty officers', channel: 'line', address: `C${'a'.repeat(32)}` };

  it('resolves env references, applies defaults and builds one notifier per channel', async () => {
    const parsed = parseNotifyConfig({ line, recipients: [recipient], routes: [{ id: 'all', recipients: ['duty'] }], retry: { maxAttempts: 3 } }, { LINE_TOKEN: 't'.repeat(40) });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.recipients).toEqual([{ ...recipient, language: 'both' }]);
    expect(parsed.value.retry).toEqual({ maxAttempts: 3 });
    expect(createNotifiers(parsed.value).map((n) => n.channel)).toEqual(['line']);
  });

  it('lists every problem: unknown sections, a channel without its notifier, a bad notifier setting', () => {
    const parsed = parseNotifyConfig({ sms: {}, recipients: [recipient], routes: [] }, {});
    expect(parsed).toEqual({ ok: false, errors: ['(root): unknown field(s) sms; the notify section has webhook, email, line, mqtt, recipients, routes, retry'] });
    expect(parseNotifyConfig({ recipients: [recipient], routes: [] }, {})).toEqual({
      ok: false,
      errors: ['recipients[0]: channel "line" is used but the "line" notifier is not configured'],
    });
    expect(parseNotifyConfig({ webhook: { secret: 'short' } }, {})).toEqual({
      ok: false,
      errors: ['webhook.secret: secret must be at least 16 characters: generate one with `openssl rand -hex 32`'],
    });
  });

  it('names missing environment variables by path', () => {
    expect(resolveEnvReferences({ a: [{ b: 'env:NOPE' }], c: 'env:YES' }, { YES: 'y' })).toEqual({
      value: { a: [{ b: 'env:NOPE' }], c: 'y' },
      errors: ['a[0].b: environment variable NOPE is not set; set it or write the value in the file'],
    });
  });
});

describe('parseRoutingConfig input shape', () => {
  it('says what a routing config looks like when it is missing', () => {
    expect(parseRoutingConfig({})).toEqual({ ok: false, errors: ['routes: routes is a list of routes, e.g. [{"id": "all", "recipients": ["cnx-duty"]}]'] });
    expect(parseRoutingConfig({ routes: ['x'] })).toEqual({
      ok: false,
      errors: ['routes[0]: a route is an object such as {"id": "cnx-air", "domains": ["air"], "recipients": ["cnx-duty"]}'],
    });
  });
});
