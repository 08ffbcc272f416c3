import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { StateStore, TelemetryStore } from '@mueang/storage';
import type { Registry } from 'prom-client';
import { Type } from 'typebox';

export interface SystemRoutesOptions {
  state: StateStore;
  telemetry: TelemetryStore;
  metrics: Registry;
  /** a store that does not answer within this time counts as down (default 3000 ms) */
  pingTimeoutMs?: number;
}

const StoreHealth = Type.Object({ ok: Type.Boolean(), kind: Type.String(), latencyMs: Type.Number(), error: Type.Optional(Type.String()) });
const Health = Type.Object({
  status: Type.Enum(['ok', 'degraded']),
  stores: Type.Object({ state: StoreHealth, telemetry: StoreHealth }),
  uptimeS: Type.Number(),
});

async function probe(kind: string, ping: () => Promise<boolean>, timeoutMs: number) {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const ok = await Promise.race([
      ping(),
      new Promise<boolean>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok, kind, latencyMs: Math.round(performance.now() - started), ...(ok ? {} : { error: 'ping failed' }) };
  } catch (err) {
    // the message names the failure without connection strings: drivers' messages can hold hosts, never passwords
    return { ok: false, kind, latencyMs: Math.round(performance.now() - started), error: (err as Error).message.slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}

/** GET /health (store pings; 503 when one is down) and GET /metrics (Prometheus text). */
export const systemRoutes: FastifyPluginAsyncTypebox<SystemRoutesOptions> = async (app, options) => {
  const timeoutMs = options.pingTimeoutMs ?? 3000;
  const startedAt = Date.now();

  app.get(
    '/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['system'],
        summary: 'Liveness and store health',
        description: 'Pings the state database and the telemetry store. 200 when both answer, 503 otherwise.',
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      const [state, telemetry] = await Promise.all([
        probe(options.state.driver.kind, async () => (await options.state.driver.query('SELECT 1 AS ok')).length === 1, timeoutMs),
        probe(options.telemetry.kind, () => options.telemetry.ping(), timeoutMs),
      ]);
      const ok = state.ok && telemetry.ok;
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', stores: { state, telemetry }, uptimeS: Math.round((Date.now() - startedAt) / 1000) });
    },
  );

  app.get(
    '/metrics',
    {
      config: { access: 'public' },
      schema: {
        tags: ['system'],
        summary: 'Prometheus metrics',
        description: 'Request counts and durations by route pattern and status (mueang_api_*), plus any metrics registered in the same registry.',
        response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: Type.String() } } } },
      },
    },
    async (_request, reply) => {
      const body = await options.metrics.metrics();
      return reply.type(options.metrics.contentType).send(body);
    },
  );
};
