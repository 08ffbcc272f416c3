import type { DeadLetter } from '@mueang/core';

const MAX_EXCERPT_BYTES = 4096;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Keep the offending payload readable: UTF-8 text when it is text, else base64; at most 4 KiB. */
export function payloadExcerpt(payload: Uint8Array): string {
  const clipped = payload.length > MAX_EXCERPT_BYTES ? payload.subarray(0, MAX_EXCERPT_BYTES) : payload;
  try {
    const text = utf8.decode(clipped);
    return payload.length > MAX_EXCERPT_BYTES ? `${text}… [${payload.length} bytes in all]` : text;
  } catch {
    // a multi-byte character cut at the clip boundary is still text
    if (clipped !== payload) {
      try {
        return `${utf8.decode(clipped.subarray(0, clipped.length - 3))}… [${payload.length} bytes in all]`;
      } catch {
        /* binary */
      }
    }
    return `base64:${Buffer.from(clipped).toString('base64')}`;
  }
}

export interface DeadLetterContext {
  receivedAt: number;
  topic: string;
  payload: Uint8Array;
  city?: string;
  domain?: string;
  device?: string;
}

export function deadLetter(ctx: DeadLetterContext, reason: string, message: string, param?: string): DeadLetter {
  const row: DeadLetter = {
    receivedAt: ctx.receivedAt,
    topic: ctx.topic.length > 512 ? `${ctx.topic.slice(0, 512)}…` : ctx.topic,
    reason,
    message,
    payload: payloadExcerpt(ctx.payload),
  };
  if (ctx.city !== undefined) row.city = ctx.city;
  if (ctx.domain !== undefined) row.domain = ctx.domain;
  if (ctx.device !== undefined) row.device = ctx.device;
  if (param !== undefined) row.param = param;
  return row;
}
