import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export const SECURITY_SCHEMES = {
  bearerKey: { type: 'http', scheme: 'bearer', description: 'API key as "Authorization: Bearer <key>"' },
  headerKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'API key as "X-API-Key: <key>"' },
} as const;

/**
 * OpenAPI 3.1 generated from the route schemas, served at /docs (UI) and /docs/json.
 * Each operation states who may call it: `security` is empty for public routes, and
 * `x-min-role` names the least role for the others (from the route's config.access).
 */
export async function registerDocs(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Mueang smart-city telemetry API',
        version,
        description:
          'Registry, readings, Thai AQI, data completeness, exports (CSV, FIWARE NGSI-LD) and open data for Thai smart cities. ' +
          'Errors are application/problem+json (RFC 9457). Authenticate with an API key; roles admin > operator > viewer, optionally limited to one city.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      components: { securitySchemes: SECURITY_SCHEMES as never },
      tags: [
        { name: 'system', description: 'Health, metrics' },
        { name: 'keys', description: 'API keys (admin)' },
        { name: 'registry', description: 'Cities, sites, devices and provisioning' },
        { name: 'data', description: 'Readings, aggregates, latest values, AQI, completeness, dead letters' },
        { name: 'export', description: 'CSV and FIWARE NGSI-LD exports' },
        { name: 'alerts', description: 'Alert list, acknowledgement and assignment' },
        { name: 'audit', description: 'Who changed what (admin)' },
        { name: 'rollups', description: 'Recomputing the hourly and daily rollups of a past range (admin of every city)' },
        { name: 'open-data', description: 'Public read-only data of cities that opted in; no key' },
      ],
    },
    transform: ({ schema, url, route }) => {
      const access = route.config?.access ?? (url.startsWith('/v1/') ? 'viewer' : 'public');
      const transformed = { ...(schema ?? {}) } as Record<string, unknown>;
      if (access === 'public') transformed.security = [];
      else {
        transformed.security = [{ bearerKey: [] }, { headerKey: [] }];
        transformed['x-min-role'] = access;
      }
      return { schema: transformed as never, url };
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}
