import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';

export const REQUESTS_METRIC = 'mueang_api_requests_total';
export const DURATION_METRIC = 'mueang_api_request_duration_seconds';

function counter(registry: Registry): Counter<'method' | 'route' | 'status'> {
  const existing = registry.getSingleMetric(REQUESTS_METRIC);
  if (existing) return existing as Counter<'method' | 'route' | 'status'>;
  return new Counter({ name: REQUESTS_METRIC, help: 'HTTP requests answered by the API, by route pattern and status code', labelNames: ['method', 'route', 'status'], registers: [registry] });
}

function histogram(registry: Registry): Histogram<'method' | 'route' | 'status'> {
  const existing = registry.getSingleMetric(DURATION_METRIC);
  if (existing) return existing as Histogram<'method' | 'route' | 'status'>;
  return new Histogram({
    name: DURATION_METRIC,
    help: 'Time from request to response, by route pattern and status code',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
}

/**
 * Request counts and durations. The route label is the route pattern (/v1/cities/:city/...),
 * never the raw URL, so the label set stays bounded whatever clients send.
 */
export function installMetrics(app: FastifyInstance, registry: Registry): void {
  const requests = counter(registry);
  const durations = histogram(registry);
  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
    requests.inc(labels);
    durations.observe(labels, reply.elapsedTime / 1000);
  });
}

/** route label of requests refused before routing (a URL the router cannot read): they run no hooks */
export const BAD_URL_ROUTE = 'bad-url';

/** Counts a request answered by Fastify's frameworkErrors handler once its response is sent. */
export function countUnroutedResponse(registry: Registry, method: string, reply: FastifyReply): void {
  const requests = counter(registry);
  const durations = histogram(registry);
  reply.raw.once('finish', () => {
    const labels = { method, route: BAD_URL_ROUTE, status: String(reply.statusCode) };
    requests.inc(labels);
    durations.observe(labels, reply.elapsedTime / 1000);
  });
}

/**
 * Counts a hijacked response (a server-sent event stream) when its connection closes: hijacked replies run no
 * onResponse hook. Not timed: a stream's lifetime is not a response time.
 */
export function countHijackedResponse(registry: Registry, request: FastifyRequest, reply: FastifyReply): void {
  const requests = counter(registry);
  reply.raw.once('close', () => {
    requests.inc({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.raw.statusCode) });
  });
}
