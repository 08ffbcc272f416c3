import { generateSecret, sha256Hex } from '@mueang/core';
import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys: `mk_` + 43 base64url characters (256 random bits). The prefix lets secret scanners
 * recognise a leaked key; only sha256Hex(key) is stored (a fast hash is enough for random keys).
 */
export const API_KEY_PREFIX = 'mk_';
const PRESENTED_KEY = /^[A-Za-z0-9_.~+/=-]{16,200}$/;

export function generateApiKey(): string {
  return API_KEY_PREFIX + generateSecret(32);
}

export function newApiKeyId(): string {
  return `key-${randomBytes(6).toString('hex')}`;
}

export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

/** a presented key that cannot be one of ours is refused before any lookup */
export function isPlausibleApiKey(value: string): boolean {
  return PRESENTED_KEY.test(value);
}

export function sameKey(presented: string, expected: string): boolean {
  const a = Buffer.from(sha256Hex(presented), 'hex');
  const b = Buffer.from(sha256Hex(expected), 'hex');
  return timingSafeEqual(a, b);
}

export type PresentedKey = { ok: true; key: string } | { ok: false; reason: 'missing' | 'malformed' | 'conflicting' };

/** The key from `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(headers: Record<string, string | string[] | undefined>): PresentedKey {
  const authorization = headers.authorization;
  const apiKeyHeader = headers['x-api-key'];
  if (Array.isArray(authorization) || Array.isArray(apiKeyHeader)) return { ok: false, reason: 'malformed' };
  let fromAuthorization: string | undefined;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match?.[1]) return { ok: false, reason: 'malformed' };
    fromAuthorization = match[1];
  }
  const fromHeader = apiKeyHeader?.trim();
  if (fromAuthorization !== undefined && fromHeader !== undefined && fromHeader !== fromAuthorization) return { ok: false, reason: 'conflicting' };
  const key = fromAuthorization ?? fromHeader;
  if (key === undefined || key === '') return { ok: false, reason: 'missing' };
  return isPlausibleApiKey(key) ? { ok: true, key } : { ok: false, reason: 'malformed' };
}
