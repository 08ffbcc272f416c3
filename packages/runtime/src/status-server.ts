import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';

export interface HealthSource {
  name: string;
  health(): unknown | Promise<unknown>;
}

export interface StatusServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The HTTP face of a service run alone: /health (JSON, 503 when a
 * part is not ok) and /metrics (Prometheus text of every service's registry).
 */
export async function startStatusServer(options: {
  host: string;
  port: number;
  registries: Registry[];
  sources: HealthSource[];
}): Promise<StatusServer> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method !== 'GET') {
        res.writeHead(405, { 'content-type': 'application/problem+json', allow: 'GET' });
        res.end(JSON.stringify({ title: 'Method not allowed', status: 405, detail: 'only GET is served here' }));
        return;
      }
      if (url.pathname === '/health') {
        const parts: Record<string, unknown> = {};
        let ok = true;
        for (const source of options.sources) {
          try {
            const h = await source.health();
            parts[source.name] = h;
            if (h && typeof h === 'object' && 'ok' in h && (h as { ok: unknown }).ok === false) ok = false;
          } catch (error) {
            ok = false;
            parts[source.name] = { ok: false, error: (error as Error).message };
          }
        }
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok, ...parts }));
        return;
      }
      if (url.pathname === '/metrics') {
        const merged = Registry.merge(options.registries);
        res.writeHead(200, { 'content-type': merged.contentType });
        res.end(await merged.metrics());
        return;
      }
      res.writeHead(404, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ title: 'Not found', status: 404, detail: `no route ${url.pathname}; try /health or /metrics` }));
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ title: 'Internal error', status: 500, detail: (error as Error).message }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(new Error(`HTTP port ${options.port} is already in use (set HTTP_PORT to a free port)`));
      } else reject(err);
    });
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
