/**
 * Authentication and authorisation for the API.
 *
 * - Keys: `Authorization: Bearer <key>` or `X-API-Key: <key>`; stored as sha256 (api-keys.ts).
 * - Roles: admin > operator > viewer (roles.ts). A key may be limited to one city (cityId).
 * - Inside the authenticated `/v1` scope every route needs a valid key. A route raises the bar
 *   with `config: { access: 'operator' | 'admin' }`; `access: 'viewer'` is the default.
 * - A route with a `city` path parameter is checked against the key's city automatically
 *   (after schema validation, before the handler): another city gives 403.
 * - For anything else (a city named in the body, a cross-city listing) call
 *   `app.requireCity(request, cityId)` or `requireCity(request, cityId)` from guards.ts;
 *   `request.principal` (ApiPrincipal) says who is calling, and `cityScopeOf(principal)` gives
 *   the city a listing must be limited to (undefined = all cities).
 */
export * from './roles.ts';
export * from './principal.ts';
export * from './guards.ts';
export { generateApiKey, hashApiKey, newApiKeyId, presentedKey, API_KEY_PREFIX } from './api-keys.ts';
export type {} from './fastify-types.ts';
