import type { RouteExample } from './types.ts';

/** Examples of the audit log route (src/routes/audit.ts). */
export const AUDIT_EXAMPLES: Record<string, RouteExample> = {
  'GET /v1/audit': {
    as: 'adminAll',
    query: { city: 'scratch', actor: 'key-adminall', action: 'city.update', targetType: 'city', targetId: 'scratch', from: '2025-03-01', to: '2025-03-11', limit: '10' },
    status: 200,
  },
};
