import type { RouteExample } from './types.ts';

/** Examples of the assessment routes (src/assessment). */
export const ASSESSMENT_EXAMPLES: Record<string, RouteExample> = {
  'GET /v1/assessment/{city}': { as: 'viewerCnx', params: { city: 'cnx' }, query: { from: '2025-03-01', to: '2025-03-09' }, status: 200 },
  'GET /v1/assessment/{city}/evidence': { as: 'viewerCnx', params: { city: 'cnx' }, query: { from: '2025-03-01', to: '2025-03-09', lang: 'both' }, status: 200 },
  'GET /v1/assessment/{city}/evidence/{file}': { as: 'viewerCnx', params: { city: 'cnx', file: 'daily.csv' }, query: { from: '2025-03-01', to: '2025-03-09', lang: 'en' }, status: 200, contentType: /^text\/csv/ },
  'GET /v1/assessment/{city}/kpis': { as: 'viewerCnx', params: { city: 'cnx' }, status: 200 },
  'PUT /v1/assessment/{city}/kpis': { as: 'adminAll', params: { city: 'scratch' }, body: {}, status: 200 },
  'GET /v1/national': { as: 'viewerAll', query: { from: '2025-03-01', to: '2025-03-09' }, status: 200 },
};
