import type { StateStore } from '@mueang/storage';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hashApiKey, presentedKey, sameKey } from '../auth/api-keys.ts';
import { MISSING_KEY_DETAIL, requireCity, requireRole } from '../auth/guards.ts';
import type { ApiPrincipal } from '../auth/principal.ts';
import { roleAtLeast } from '../auth/roles.ts';
import { ApiError } from '../errors.ts';
import '../auth/fastify-types.ts';

export interface AuthOptions {
  state: StateStore;
  /** API_ADMIN_KEY: an all-cities admin key kept in memory only, to create the first stored keys */
  bootstrapAdminKey?: string | undefined;
}

export const BOOTSTRAP_KEY_ID = 'bootstrap-admin';

/** Decorations every scope sees: request.principal, app.requireCity, app.requireRole. Call on the root instance. */
export function installAuthDecorators(app: FastifyInstance): void {
  app.decorateRequest('principal', null);
  app.decorate('requireCity', (request: FastifyRequest, cityId: string) => requireCity(request, cityId));
  app.decorate('requireRole', (request: FastifyRequest, role: Parameters<typeof requireRole>[1]) => requireRole(request, role));
}

const PRESENTATION_PROBLEMS = {
  malformed: 'The API key is malformed. Send "Authorization: Bearer <key>" (one space, the key as it was shown at creation) or "X-API-Key: <key>".',
  conflicting: 'The Authorization and X-API-Key headers carry different keys; send only one of them.',
  missing: MISSING_KEY_DETAIL,
} as const;

async function principalOf(key: string, options: AuthOptions): Promise<ApiPrincipal> {
  if (options.bootstrapAdminKey && sameKey(key, options.bootstrapAdminKey)) {
    return { keyId: BOOTSTRAP_KEY_ID, keyName: 'API_ADMIN_KEY', role: 'admin', cityId: null };
  }
  const stored = await options.state.findApiKeyByHash(hashApiKey(key));
  if (!stored) throw ApiError.unauthorized('The API key is not recognised. Check that it was copied whole; an admin can list and create keys at /v1/keys.');
  if (stored.revokedAt !== null) {
    throw ApiError.unauthorized(`The API key "${stored.name}" was revoked on ${new Date(stored.revokedAt).toISOString()}; ask an admin for a new one.`);
  }
  return { keyId: stored.id, keyName: stored.name, role: stored.role, cityId: stored.cityId };
}

/**
 * onRequest hook for the authenticated scope: identifies the key and checks the route's role
 * (config.access, default viewer). Runs before body parsing and validation, so an anonymous
 * caller learns nothing about the route's parameters.
 */
export function authenticateHook(options: AuthOptions) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const access = request.routeOptions.config?.access ?? 'viewer';
    if (access === 'public') return;
    const presented = presentedKey(request.headers);
    if (!presented.ok) throw ApiError.unauthorized(PRESENTATION_PROBLEMS[presented.reason]);
    const principal = await principalOf(presented.key, options);
    request.principal = principal;
    if (!roleAtLeast(principal.role, access)) {
      throw ApiError.forbidden(`This route needs role ${access} or above; the API key "${principal.keyName}" has role ${principal.role}. Ask an admin for a key with that role.`);
    }
  };
}

/** preHandler: a validated `city` path parameter must be within the key's city scope. */
export async function cityScopeHook(request: FastifyRequest): Promise<void> {
  const params = request.params as Record<string, unknown> | undefined;
  const city = params?.city;
  if (typeof city === 'string' && request.principal) requireCity(request, city);
}
