import type { RouteExample } from './types.ts';

/** Examples of the operator console routes (src/console). */
export const CONSOLE_EXAMPLES: Record<string, RouteExample> = {
  'GET /': { status: 200, contentType: /^text\/html/ },
  'GET /alerts/{alert}': { params: { alert: 'al-cnx-pm25' }, status: 200, contentType: /^text\/html/ },
  'GET /console/{version}/{file}.js': { params: { version: 'v0', file: 'app' }, status: 200, contentType: /^text\/javascript/ },
  'GET /console/{version}/{file}.css': { params: { version: 'v0', file: 'styles' }, status: 200, contentType: /^text\/css/ },
  'GET /v1/cities/{city}/site-status': { as: 'viewerCnx', params: { city: 'cnx' }, status: 200 },
  'GET /v1/cities/{city}/devices/{device}/trend': { as: 'viewerCnx', params: { city: 'cnx', device: 'cnx-aq1' }, query: { range: '24h' }, status: 200 },
  'GET /v1/cities/{city}/alerts/stream': { as: 'viewerCnx', params: { city: 'cnx' }, headers: { accept: 'text/event-stream' }, status: 200, contentType: /^text\/event-stream/, stream: true },
};
