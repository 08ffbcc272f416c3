import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ApiError } from '../errors.ts';
import { IdString, problems } from '../schemas/common.ts';
import { loadConsoleAssets, type Asset, type ConsoleAssets } from './assets.ts';
import { buildReference, referenceModule, type ConsoleSettings } from './reference.ts';

export interface ConsoleStaticOptions {
  settings?: Partial<ConsoleSettings> | undefined;
  /** the clock for the AQI table in force (default Date.now) */
  now?: (() => number) | undefined;
  /** another console directory (tests) */
  dir?: string | undefined;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/** the origin of a tile URL template, for the page's Content-Security-Policy; throws on anything but http(s) */
export function tileOrigin(tileUrl: string): string {
  let url: URL;
  try {
    url = new URL(tileUrl.replace(/\{[xyzs]\}/g, '0'));
  } catch {
    throw new Error(`console: TILE_URL "${tileUrl}" is not a URL; use e.g. https://tiles.example.go.th/{z}/{x}/{y}.png`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`console: TILE_URL must be http(s), got ${url.protocol}`);
  for (const part of ['{z}', '{x}', '{y}']) if (!tileUrl.includes(part)) throw new Error(`console: TILE_URL must contain ${part}`);
  return url.origin;
}

/**
 * The page may run only its own scripts and styles, talk only to this API and show only its own
 * images (and the tile server's, when one is configured); nothing may frame it.
 */
export function contentSecurityPolicy(settings: ConsoleSettings): string {
  const images = ["'self'", 'data:', ...(settings.tileUrl ? [tileOrigin(settings.tileUrl)] : [])];
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${images.join(' ')}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset, cacheControl: string, csp: string): FastifyReply {
  reply
    .header('cache-control', cacheControl)
    .header('etag', asset.etag)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('content-security-policy', csp);
  const match = request.headers['if-none-match'];
  if (typeof match === 'string' && match.split(',').some((tag) => tag.trim() === asset.etag)) return reply.code(304).send();
  return reply.type(asset.contentType).send(asset.body);
}

const ShellResponse = { 200: { description: 'The console page (HTML)', content: { 'text/html': { schema: Type.String() } } } };
const AssetParams = Type.Object({ version: IdString('Asset version (a hash of the console files)'), file: IdString('Asset name without its extension') }, { additionalProperties: false });
const assetResponse = (mediaType: string) => ({ 200: { description: 'A console asset', content: { [mediaType]: { schema: Type.String() } } }, ...problems(400, 404) });

/**
 * The operator console at `/` (and `/alerts/{alert}`, the link in alert notifications): a static
 * page that talks to /v1 with the API key the user enters. Register on the root instance.
 */
export const consoleStaticRoutes: FastifyPluginAsync<ConsoleStaticOptions> = async (app: FastifyInstance, options) => {
  const settings: ConsoleSettings = { tileUrl: options.settings?.tileUrl ?? null, tileAttribution: options.settings?.tileAttribution ?? null };
  const csp = contentSecurityPolicy(settings);
  const now = options.now ?? Date.now;
  const assets: ConsoleAssets = loadConsoleAssets({ 'reference.js': referenceModule(buildReference(now()), settings) }, options.dir);

  const shell = async (request: FastifyRequest, reply: FastifyReply) => send(request, reply, assets.shell, REVALIDATE, csp);
  app.get('/', { config: { access: 'public' }, schema: { tags: ['console'], summary: 'The operator console (HTML page)', response: ShellResponse } }, shell);
  app.get(
    '/alerts/:alert',
    {
      config: { access: 'public' },
      schema: {
        tags: ['console'],
        summary: 'The operator console opened at one alert (the link in alert notifications)',
        params: Type.Object({ alert: IdString('Alert id') }, { additionalProperties: false }),
        response: ShellResponse,
      },
    },
    shell,
  );

  for (const kind of ['js', 'css'] as const) {
    app.get<{ Params: { version: string; file: string } }>(
      `/console/:version/:file.${kind}`,
      {
        config: { access: 'public' },
        schema: {
          tags: ['console'],
          summary: `A console ${kind === 'js' ? 'script (ES module)' : 'style sheet'}`,
          description: 'Cached for a year when the version is the current one; an old version gets the current file, revalidated on every use.',
          params: AssetParams,
          response: assetResponse(kind === 'js' ? 'text/javascript' : 'text/css'),
        },
      },
      async (request, reply) => {
        const { version, file } = request.params;
        const asset = assets.files.get(`${file}.${kind}`);
        if (!asset) throw ApiError.notFound(`The console has no file "${file}.${kind}". Reload the page at / to get the current files.`);
        return send(request, reply, asset, version === assets.version ? IMMUTABLE : REVALIDATE, csp);
      },
    );
  }
};
