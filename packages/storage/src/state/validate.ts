import { DOMAINS, isDomain, isValidId, type Domain } from '@mueang/core';
import type { DeviceStatus, Role } from '../state-store.ts';
import { StateStoreError } from './errors.ts';

/**
 * Checks of the caller's records before they reach SQL, so that a mistake comes back as
 * input.invalid naming the field, not as a database message. The schema's CHECK constraints
 * say the same again for writers that bypass this code.
 */

export const DEVICE_STATUSES: readonly DeviceStatus[] = ['active', 'revoked'];
export const ROLES: readonly Role[] = ['admin', 'operator', 'viewer'];

function invalid(field: string, message: string): StateStoreError {
  return new StateStoreError('input.invalid', `${field}: ${message}`, { field });
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

export function requireRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(what, `expected an object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
  return value as Record<string, unknown>;
}

export function requireId(value: unknown, field: string): string {
  if (typeof value !== 'string' || !isValidId(value)) {
    throw invalid(field, `${show(value)} is not a valid id; use 1-64 characters a-z, 0-9, '-' and '_', starting with a letter or digit`);
  }
  return value;
}

/** PostgreSQL text cannot hold U+0000; refuse it here rather than as an encoding error */
function requireStorableText(value: string, field: string): string {
  if (value.includes('\u0000')) throw invalid(field, 'contains a NUL character (U+0000), which cannot be stored; remove it');
  return value;
}

export function requireName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(field, `expected a non-empty text, got ${show(value)}`);
  return requireStorableText(value, field);
}

/** undefined = not given (keep the stored value), null = clear it */
export function optionalText(value: unknown, field: string): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') throw invalid(field, `expected a text or null, got ${show(value)}`);
  return requireStorableText(value, field);
}

export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw invalid(field, `expected true or false, got ${show(value)}`);
}

export function optionalTimezone(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value !== '') {
    try {
      new Intl.DateTimeFormat('en', { timeZone: value });
      return value;
    } catch {
      // falls through to the error below
    }
  }
  throw invalid(field, `${show(value)} is not an IANA time zone; use e.g. "Asia/Bangkok"`);
}

function optionalNumberInRange(value: unknown, field: string, min: number, max: number, integer = false): number | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw invalid(field, `expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max} or null, got ${show(value)}`);
  }
  return value;
}

export function optionalCoordinates(lat: unknown, lon: unknown): { lat?: number | null; lon?: number | null } {
  const la = optionalNumberInRange(lat, 'lat', -90, 90);
  const lo = optionalNumberInRange(lon, 'lon', -180, 180);
  if (la === undefined && lo === undefined) return {};
  if (la === undefined || lo === undefined || (la === null) !== (lo === null)) {
    throw invalid('lat/lon', `give both coordinates or neither (null clears both), got lat ${show(lat)} and lon ${show(lon)}`);
  }
  return { lat: la, lon: lo };
}

export function optionalWaterClass(value: unknown): number | null | undefined {
  return optionalNumberInRange(value, 'waterClass', 1, 5, true);
}

export function requireDomain(value: unknown, field = 'domain'): Domain {
  if (!isDomain(value)) throw invalid(field, `${show(value)} is not a domain; use one of ${DOMAINS.join(', ')}`);
  return value;
}

export function requireStatus(value: unknown, field = 'status'): DeviceStatus {
  if (!(DEVICE_STATUSES as readonly unknown[]).includes(value)) {
    throw invalid(field, `${show(value)} is not a device status; use ${DEVICE_STATUSES.join(' or ')}`);
  }
  return value as DeviceStatus;
}

export function requireRole(value: unknown): Role {
  if (!(ROLES as readonly unknown[]).includes(value)) throw invalid('role', `${show(value)} is not a role; use ${ROLES.join(', ')}`);
  return value as Role;
}

// "algorithm$params..." (scrypt$N$r$p$salt$hash from @mueang/core): refuses a plain secret stored by mistake
const SECRET_HASH = /^[a-z0-9-]+\$\S+$/;

export function requireSecretHash(value: unknown, field = 'secretHash'): string {
  if (typeof value !== 'string' || !SECRET_HASH.test(value)) {
    throw invalid(field, 'expected a hash from hashSecret() ("scrypt$..."), not the secret itself');
  }
  return value;
}

export function optionalSecretHash(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return value;
  return requireSecretHash(value);
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function isKeyHash(value: unknown): value is string {
  return typeof value === 'string' && SHA256_HEX.test(value);
}

export function requireKeyHash(value: unknown): string {
  if (!isKeyHash(value)) throw invalid('keyHash', 'expected the sha-256 of the key as 64 lowercase hex digits (sha256Hex), not the key itself');
  return value;
}
