/**
 * LINE notifier: Messaging API push (`POST /v2/bot/message/push`) through @line/bot-sdk's MessagingApiClient.
 * LINE Notify was shut down on 2025-03-31; this is its replacement. Every attempt of one delivery sends the same
 * X-Line-Retry-Key, so LINE itself drops a repeat of a request it already accepted (it answers 409).
 */
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import { z } from 'zod';
import { classifyHttpStatus, delivered, networkFailure, parseRetryAfter, permanentFailure, withTimeout } from '../delivery-result.ts';
import { textFor } from '../message.ts';
import type { AlertNotification, DeliveryContext, DeliveryResult, Notifier, Recipient } from '../types.ts';

/** https://developers.line.biz/en/reference/messaging-api/#text-message: text is at most 5000 characters */
export const LINE_TEXT_LIMIT = 5000;
export const LINE_API_BASE_URL = 'https://api.line.me';

/** userId (U...), groupId (C...) or roomId (R...): a letter and 32 hex digits */
const LINE_TARGET = /^[UCR][0-9a-f]{32}$/;

export const lineConfigSchema = z.object({
  /** long-lived channel access token of the Messaging API channel (LINE Developers console) */
  channelAccessToken: z.string().min(20, { error: 'channelAccessToken is the Messaging API channel access token from the LINE Developers console' }),
  /** only for tests and proxies: where the API lives */
  baseURL: z.url({ error: 'baseURL must be a URL such as https://api.line.me' }).default(LINE_API_BASE_URL),
  timeoutMs: z.number().int().positive().max(120_000).default(10_000),
});
export type LineConfig = z.input<typeof lineConfigSchema>;

/** Fit a text into LINE's limit, counting characters as LINE does (UTF-16 code units), cutting with an ellipsis. */
export function fitLineText(text: string, limit = LINE_TEXT_LIMIT): string {
  if (text.length <= limit) return text;
  let cut = text.slice(0, limit - 1);
  // do not leave half of a surrogate pair behind
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

export interface LineNotifierOptions {
  now?: () => number;
}

export function createLineNotifier(config: LineConfig, options: LineNotifierOptions = {}): Notifier {
  const settings = lineConfigSchema.parse(config);
  const now = options.now ?? Date.now;
  const client = new messagingApi.MessagingApiClient({ channelAccessToken: settings.channelAccessToken, baseURL: settings.baseURL });
  return {
    channel: 'line',
    async send(_notification: AlertNotification, recipient: Recipient, context: DeliveryContext): Promise<DeliveryResult> {
      if (!LINE_TARGET.test(recipient.address)) {
        return permanentFailure('bad-address', `recipient ${recipient.id}: address must be a LINE userId, groupId or roomId (U/C/R followed by 32 hex digits)`);
      }
      const text = fitLineText(textFor(context.message, recipient.language));
      try {
        const response = await withTimeout(
          client.pushMessageWithHttpInfo({ to: recipient.address, messages: [{ type: 'text', text }] }, context.deliveryId),
          settings.timeoutMs,
          'LINE Messaging API',
        );
        return delivered(`http ${response.httpResponse.status}`);
      } catch (error) {
        if (error instanceof HTTPFetchError) {
          // 409 with a retry key: LINE already accepted this very request on an earlier attempt
          if (error.status === 409 && error.headers.get('x-line-accepted-request-id')) return delivered('http 409 already accepted');
          const result = classifyHttpStatus(error.status, 'LINE Messaging API', parseRetryAfter(error.headers.get('retry-after'), now()));
          const detail = lineErrorMessage(error.body);
          return detail && result.error ? { ...result, error: `${result.error} (LINE says: ${detail})` } : result;
        }
        return networkFailure(error, 'LINE Messaging API');
      }
    },
  };
}

/** LINE error bodies are {"message": "...", "details": [...]}; the message says what was wrong */
function lineErrorMessage(body: string): string | null {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    return typeof message === 'string' ? message.slice(0, 200) : null;
  } catch {
    return null;
  }
}
