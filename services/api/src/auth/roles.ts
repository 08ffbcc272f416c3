import type { Role } from '@mueang/storage';

/** Roles from least to most powerful: each one may do everything the roles before it may. */
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

/** What a route needs: 'public' = no key at all, otherwise the least role that may call it. */
export type Access = 'public' | Role;

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}
