// The console's only way to the API: fetch with the API key from this tab's sessionStorage.
// Errors arrive as application/problem+json and are turned into ApiProblem with the API's own
// detail (which says what to do).

const KEY_STORAGE = 'mueang.console.apiKey';

export class ApiProblem extends Error {
  /** @param {number} status @param {string} title @param {string} detail */
  constructor(status, title, detail) {
    super(detail || title);
    this.status = status;
    this.title = title;
    this.detail = detail;
  }
}

/** @returns {string | null} */
export function storedKey() {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

/** @param {string | null} key */
export function storeKey(key) {
  try {
    if (key === null) sessionStorage.removeItem(KEY_STORAGE);
    else sessionStorage.setItem(KEY_STORAGE, key);
  } catch {
    // private mode without storage: the key lives as long as this page
  }
  memoryKey = key;
}

/** @type {string | null} */
let memoryKey = null;

function currentKey() {
  return storedKey() ?? memoryKey;
}

/** @type {Set<() => void>} */
const unauthorizedListeners = new Set();
/** called when the API refuses the key (401): the app signs out */
/** @param {() => void} listener */
export function onUnauthorized(listener) {
  unauthorizedListeners.add(listener);
}

/** @param {Response} res */
async function problemOf(res) {
  let title = res.statusText;
  let detail = '';
  try {
    const body = await res.json();
    title = body.title ?? title;
    detail = body.detail ?? '';
  } catch {
    // not a problem document
  }
  return new ApiProblem(res.status, title, detail);
}

/**
 * @param {string} path e.g. /v1/cities
 * @param {{ method?: string, body?: unknown, key?: string, query?: Record<string, string | undefined> }} [options]
 */
export async function request(path, options = {}) {
  const key = options.key ?? currentKey();
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(name, value);
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(url, { method: options.method ?? 'GET', headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), cache: 'no-store' });
  } catch {
    throw new ApiProblem(0, 'Network error', '');
  }
  if (!res.ok) {
    const problem = await problemOf(res);
    if (res.status === 401 && !options.key) for (const listener of unauthorizedListeners) listener();
    throw problem;
  }
  return res;
}

/** @param {string} path @param {Parameters<typeof request>[1]} [options] */
export async function getJson(path, options) {
  return (await request(path, options)).json();
}

/** @param {string} path @param {unknown} body */
export async function postJson(path, body) {
  return (await request(path, { method: 'POST', body })).json();
}

/**
 * Download a file the API serves behind the key: fetched, then saved through a temporary link
 * (a plain link could not send the Authorization header).
 * @param {string} path @param {string} fallbackName
 * @returns {Promise<string>} the file name
 */
export async function download(path, fallbackName) {
  const res = await request(path);
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
  return name;
}

/**
 * Read a server-sent-events stream with fetch (EventSource cannot send the Authorization header).
 * Resolves when the stream ends; rejects on a network error or a refused request.
 * @param {string} path
 * @param {(event: string, data: unknown) => void} onEvent
 * @param {AbortSignal} signal
 */
export async function readEventStream(path, onEvent, signal) {
  const key = currentKey();
  /** @type {Record<string, string>} */
  const headers = { accept: 'text/event-stream' };
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await fetch(new URL(path, location.origin), { headers, signal, cache: 'no-store' });
  if (!res.ok || !res.body) {
    const problem = await problemOf(res);
    if (res.status === 401) for (const listener of unauthorizedListeners) listener();
    throw problem;
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length === 0) continue;
      let parsed;
      try {
        parsed = JSON.parse(data.join('\n'));
      } catch {
        continue;
      }
      onEvent(event, parsed);
    }
  }
}
