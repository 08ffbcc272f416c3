import type { ApiPrincipal } from './principal.ts';
import type { Access } from './roles.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The least role that may call the route ('public' = no key). Routes inside the
     * authenticated /v1 scope without it need a valid key of any role (viewer or above).
     */
    access?: Access;
  }
  interface FastifyRequest {
    /** the authenticated API key; null on public routes and before authentication */
    principal: ApiPrincipal | null;
  }
  interface FastifyInstance {
    /** throws a 401/403 ApiError unless the request's key may use `cityId` */
    requireCity(request: FastifyRequest, cityId: string): ApiPrincipal;
    /** throws a 401/403 ApiError unless the request's key has at least `role` */
    requireRole(request: FastifyRequest, role: import('@mueang/storage').Role): ApiPrincipal;
  }
}

export {};
