import type { Role } from '@mueang/storage';

/** Who is calling: the API key that authenticated the request. Never holds the key or its hash. */
export interface ApiPrincipal {
  keyId: string;
  keyName: string;
  role: Role;
  /** null = every city */
  cityId: string | null;
}

/** true when the principal may read or change data of `cityId` */
export function canAccessCity(principal: ApiPrincipal, cityId: string): boolean {
  return principal.cityId === null || principal.cityId === cityId;
}

/** the cities a listing may show: undefined = all, otherwise the one city of a scoped key */
export function cityScopeOf(principal: ApiPrincipal): string | undefined {
  return principal.cityId ?? undefined;
}
