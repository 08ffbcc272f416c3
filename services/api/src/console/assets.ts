import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The console's files (services/api/console: plain HTML, CSS and ES modules, no build step), read
 * once at start and kept in memory: they are small, and an answer never touches the disk.
 *
 * Caching: every asset is served under /console/{version}/, where version is a hash of all the
 * files together. ES modules import each other by relative URL, so they stay within one version;
 * an asset URL therefore never changes content and is cached for a year (immutable), while the
 * HTML shell that names the version is revalidated on every load (no-cache + ETag).
 */

export const CONSOLE_DIR = fileURLToPath(new URL('../../console/', import.meta.url));

export const CONTENT_TYPES = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  html: 'text/html; charset=utf-8',
} as const;
export type AssetKind = keyof typeof CONTENT_TYPES;

export interface Asset {
  body: Buffer;
  contentType: string;
  etag: string;
}

export interface ConsoleAssets {
  version: string;
  /** the HTML shell, with the asset base filled in */
  shell: Asset;
  /** `${name}.${kind}` -> asset (the route splits the extension off) */
  files: ReadonlyMap<string, Asset>;
}

/** the asset base placeholder in index.html */
const BASE_PLACEHOLDER = '%CONSOLE_BASE%';
/** asset names as the route's id-shaped `file` parameter accepts them */
const ASSET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}\.(js|css)$/;

function etagOf(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

function asset(body: Buffer, kind: AssetKind): Asset {
  return { body, contentType: CONTENT_TYPES[kind], etag: etagOf(body) };
}

/**
 * Reads the console directory; `generated` adds files made at start (reference.js). Throws with
 * the file name when the directory is incomplete or a file name cannot be served.
 */
export function loadConsoleAssets(generated: Record<string, string>, dir: string = CONSOLE_DIR): ConsoleAssets {
  const sources = new Map<string, Buffer>();
  let shellTemplate: string | null = null;
  for (const name of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (!fs.statSync(full).isFile() || name.startsWith('.') || name.endsWith('.md')) continue;
    if (name === 'index.html') {
      shellTemplate = fs.readFileSync(full, 'utf8');
      continue;
    }
    if (!ASSET_NAME.test(name)) throw new Error(`console: ${full} cannot be served: asset names are a-z, 0-9, '-' and '_' with .js or .css`);
    sources.set(name, fs.readFileSync(full));
  }
  for (const [name, text] of Object.entries(generated)) {
    if (!ASSET_NAME.test(name)) throw new Error(`console: generated asset name "${name}" is not servable`);
    sources.set(name, Buffer.from(text, 'utf8'));
  }
  if (shellTemplate === null) throw new Error(`console: ${path.join(dir, 'index.html')} is missing`);
  if (!shellTemplate.includes(BASE_PLACEHOLDER)) throw new Error(`console: index.html must reference its assets under ${BASE_PLACEHOLDER}/`);

  const hash = createHash('sha256');
  hash.update(shellTemplate);
  for (const [name, body] of [...sources].sort(([a], [b]) => a.localeCompare(b))) hash.update(`\u0000${name}\u0000`).update(body);
  const version = `v${hash.digest('hex').slice(0, 16)}`;

  const files = new Map<string, Asset>();
  for (const [name, body] of sources) files.set(name, asset(body, name.endsWith('.css') ? 'css' : 'js'));
  const shell = asset(Buffer.from(shellTemplate.split(BASE_PLACEHOLDER).join(`/console/${version}`), 'utf8'), 'html');
  return { version, shell, files };
}
