import type { Role } from '@mueang/storage';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';
import { canAccessCity, type ApiPrincipal } from './principal.ts';
import { roleAtLeast } from './roles.ts';
import './fastify-types.ts';

export const MISSING_KEY_DETAIL =
  'This route needs an API key: send it as "Authorization: Bearer <key>" or "X-API-Key: <key>". An admin creates keys with POST /v1/keys.';

export function requirePrincipal(request: FastifyRequest): ApiPrincipal {
  if (!request.principal) throw ApiError.unauthorized(MISSING_KEY_DETAIL);
  return request.principal;
}

export function requireRole(request: FastifyRequest, role: Role): ApiPrincipal {
  const principal = requirePrincipal(request);
  if (!roleAtLeast(principal.role, role)) {
    throw ApiError.forbidden(`This action needs role ${role} or above; the API key "${principal.keyName}" has role ${principal.role}. Ask an admin for a key with that role.`);
  }
  return principal;
}

export function requireCity(request: FastifyRequest, cityId: string): ApiPrincipal {
  const principal = requirePrincipal(request);
  if (!canAccessCity(principal, cityId)) {
    throw ApiError.forbidden(`The API key "${principal.keyName}" is limited to city "${principal.cityId}" and cannot use city "${cityId}". Ask an admin for a key covering that city.`);
  }
  return principal;
}
