/**
 * The last guard before an audit entry is stored: whatever a caller put in `details`, no secret, hash, API key or
 * contact address (PDPA personal data: e-mail, phone number, LINE user id, webhook URL with its path) reaches the
 * table. Callers should not put them there in the first place; this catches the mistakes.
 */
import { maskAddress } from '../alerts/mask.ts';

export const REDACTED = '[redacted]';

/** field names whose text values are secrets (booleans and numbers under them, e.g. secretRotated, stay) */
const SECRET_FIELD = /secret|password|passwd|passphrase|hash|token|credential|authorization|private|^key$|apikey|api_key/i;
/** field names whose text values are contact addresses */
const CONTACT_FIELD = /^(address|email|e-mail|phone|phonenumber|mobile|tel|lineid|lineuserid|line_user_id|recipientaddress)$/i;

const API_KEY = /\bmk_[A-Za-z0-9_.~+/=-]{8,}/g;
const SCRYPT_HASH = /\bscrypt\$[^\s"',]+/g;
const HEX_DIGEST = /\b[0-9a-fA-F]{64,}\b/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const LINE_USER_ID = /\bU[0-9a-f]{32}\b/g;
const URL_TEXT = /\b(?:https?|wss?|mqtts?):\/\/[^\s"'<>]+/g;
// Thai numbers (0 or +66, then 8 or 9 more digits) and other numbers with a + country code; spaces or hyphens allowed.
// Dates (2025-03-10) and epoch milliseconds do not start with 0 or +.
const PHONE = /(?<![\w+])(?:(?:\+66[ -]?|0)[1-9](?:[ -]?\d){7,8}|\+[1-9](?:[ -]?\d){7,13})(?!\w)/g;

function maskPhone(text: string): string {
  const digits = text.replace(/\D/g, '');
  return `${digits.slice(0, 2)}******${digits.slice(-2)}`;
}

function maskUrl(text: string): string {
  try {
    const url = new URL(text);
    return url.pathname === '/' && !url.search && !url.username ? `${url.protocol}//${url.host}` : `${url.protocol}//${url.host}/…`;
  } catch {
    return '***';
  }
}

/** masks every secret-looking and contact-looking part of a free text */
export function maskText(text: string): string {
  return text
    .replace(API_KEY, REDACTED)
    .replace(SCRYPT_HASH, REDACTED)
    .replace(HEX_DIGEST, REDACTED)
    .replace(URL_TEXT, maskUrl)
    .replace(EMAIL, (m) => maskAddress('email', m))
    .replace(LINE_USER_ID, (m) => maskAddress('line', m))
    .replace(PHONE, maskPhone);
}

function maskContact(text: string): string {
  const masked = maskText(text);
  // an address of no recognisable kind is hidden whole
  return masked === text ? '***' : masked;
}

const MAX_DEPTH = 8;

function sanitizeValue(value: unknown, field: string | null, depth: number): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') {
    if (field !== null && SECRET_FIELD.test(field)) return REDACTED;
    if (field !== null && CONTACT_FIELD.test(field)) return maskContact(value);
    return maskText(value.replaceAll('\u0000', ''));
  }
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((v) => sanitizeValue(v, field, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || typeof v === 'function') continue;
      // a secret-named object (e.g. { credentials: {...} }) keeps only its non-text leaves
      out[maskText(key.replaceAll('\u0000', ''))] = sanitizeValue(v, SECRET_FIELD.test(key) || CONTACT_FIELD.test(key) ? key : field, depth + 1);
    }
    return out;
  }
  // bigint, symbol, undefined: not JSON
  return null;
}

/** A JSON-safe copy of `details` with secrets redacted and contact addresses masked. */
export function sanitizeDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  if (details === undefined) return {};
  return sanitizeValue(details, null, 0) as Record<string, unknown>;
}
