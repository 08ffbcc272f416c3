// Who is signed in: the API key (sessionStorage, this tab only) and what /v1/me says about it.
// The page hides what the role may not do; the API refuses it anyway.

import { ApiProblem, getJson, storeKey, storedKey } from './api.js';

/** @typedef {{ keyId: string, name: string, role: 'admin' | 'operator' | 'viewer', cityId: string | null }} Principal */

/** @type {Principal | null} */
let principal = null;

/** @returns {Principal | null} */
export function currentPrincipal() {
  return principal;
}

export function canOperate() {
  return principal !== null && (principal.role === 'operator' || principal.role === 'admin');
}

/**
 * Check a key with the API and keep it for this tab.
 * @param {string} key
 * @returns {Promise<Principal>}
 */
export async function signIn(key) {
  const trimmed = key.trim();
  if (trimmed === '') throw new ApiProblem(400, 'Missing key', '');
  const me = /** @type {Principal} */ (await getJson('/v1/me', { key: trimmed }));
  storeKey(trimmed);
  principal = me;
  return me;
}

/** Resume with the key kept in this tab, if it is still accepted. */
export async function resume() {
  const key = storedKey();
  if (!key) return null;
  try {
    principal = /** @type {Principal} */ (await getJson('/v1/me', { key }));
    return principal;
  } catch (err) {
    if (err instanceof ApiProblem && err.status === 401) storeKey(null);
    throw err;
  }
}

export function signOut() {
  storeKey(null);
  principal = null;
}
