import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { StateStore } from '@mueang/storage';
import type { ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { Type } from 'typebox';
import { ApiError } from '../errors.ts';
import { countHijackedResponse } from '../plugins/metrics.ts';
import { loadCity } from '../routes/registry/cities.ts';
import { CityParams, problems, READ_PROBLEMS } from '../schemas/common.ts';
import type { AlertFeed, AlertFeedEvent, FeedStatus } from './alert-feed.ts';
import { alertOut } from '../data/alert-view.ts';

export interface AlertStreamOptions {
  state: StateStore;
  feed: AlertFeed;
  /** a comment line this often keeps proxies from closing a quiet stream (default 20 s) */
  heartbeatMs?: number;
  /** a client that has not read this much is dropped (it reconnects and re-reads the list) */
  maxBufferedBytes?: number;
  /** the API's request metrics: a stream is counted when it ends */
  metrics?: Registry | undefined;
}

/** what the browser waits before reconnecting after the stream ends */
const RETRY_MS = 3000;

function frame(event: string, data: unknown): string {
  // JSON has no raw newlines, so one data line carries the whole payload
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * GET /v1/cities/{city}/alerts/stream: server-sent events of the city's alert changes (viewer and
 * above; the key's city scope applies). Events: `ready` once connected, `alert` per change
 * ({change, alert}), `feed` when live updates stop or resume ({ok, message}). The browser's
 * EventSource cannot send an Authorization header, so the console reads the stream with fetch().
 */
export const alertStreamRoutes: FastifyPluginAsyncTypebox<AlertStreamOptions> = async (app, options) => {
  const { state, feed } = options;
  const heartbeatMs = options.heartbeatMs ?? 20_000;
  const maxBuffered = options.maxBufferedBytes ?? 1 << 20;
  const open = new Set<ServerResponse>();

  // SSE responses never end by themselves: end them before the server waits for its connections
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
    open.clear();
  });

  app.get(
    '/cities/:city/alerts/stream',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Live alert changes of a city (server-sent events)',
        description:
          'A text/event-stream (send `Accept: text/event-stream`). Events: `ready` ({city, at}) once connected; `alert` ({change, alert}) for every alert raised, cleared, acknowledged, ' +
          'assigned, escalated or changed in severity; `feed` ({ok, message}) when live updates stop or resume. Changes are read from the alert store every 2 s. ' +
          'After a reconnect, read the alert list again: changes while disconnected are not replayed.',
        params: CityParams,
        response: {
          200: { description: 'The event stream', content: { 'text/event-stream': { schema: Type.String() } } },
          ...problems(...READ_PROBLEMS, 406),
        },
      },
    },
    async (request, reply) => {
      const accept = request.headers.accept ?? '';
      if (!accept.includes('text/event-stream')) {
        throw new ApiError(406, 'This route streams server-sent events: send "Accept: text/event-stream". For the alert list as JSON use the alerts list route (see /docs).');
      }
      const { city } = request.params;
      await loadCity(state, city);

      reply.hijack();
      if (options.metrics) countHijackedResponse(options.metrics, request, reply);
      const res = reply.raw;
      // headers set by hooks (CORS) would be lost with the hijack: carry them over
      const inherited = Object.fromEntries(Object.entries(reply.getHeaders()).filter(([, v]) => v !== undefined)) as Record<string, string | string[] | number>;
      res.writeHead(200, {
        ...inherited,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
      });
      open.add(res);

      let closed = false;
      const write = (chunk: string) => {
        if (closed) return;
        res.write(chunk);
        if (res.writableLength > maxBuffered) {
          request.log.warn({ city }, 'alert stream: the client does not read; closing its stream');
          close();
        }
      };
      const { unsubscribe, primed } = feed.subscribe(city, {
        onAlert: (event: AlertFeedEvent) => write(frame('alert', { change: event.change, alert: alertOut(event.alert) })),
        onStatus: (status: FeedStatus) => write(frame('feed', status)),
      });
      const heartbeat = setInterval(() => write(': keep-alive\n\n'), heartbeatMs);
      function close(): void {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(res);
        if (!res.writableEnded) res.end();
      }
      // 'close' comes both when the client goes away and after end()
      res.on('close', close);
      write(`retry: ${RETRY_MS}\n\n`);
      // 'ready' only once the feed knows the current alerts: a list read after it misses nothing
      await primed;
      write(frame('ready', { city, at: new Date().toISOString() }));
    },
  );
};
