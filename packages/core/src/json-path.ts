/** JSON paths and values as shown in rejection messages (internal to the decoder, not re-exported). */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** a key as shown in messages: long keys clipped, odd ones quoted */
export function showKey(key: string): string {
  return JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key);
}

/** `base.key`, or `base["odd key"]` */
export function joinPath(base: string, key: string): string {
  // a single reading's values and units repeat the same parameters' paths in every message: those
  // are built once (ingest decodes ~10,000 messages a second)
  const byKey = key.length <= 64 ? JOINED.get(base) : undefined;
  if (byKey === undefined) return join(base, key);
  let joined = byKey.get(key);
  if (joined === undefined) {
    joined = join(base, key);
    if (byKey.size >= 512) byKey.clear();
    byKey.set(key, joined);
  }
  return joined;
}

const JOINED = new Map<string, Map<string, string>>([
  ['', new Map()],
  ['values', new Map()],
  ['units', new Map()],
]);

function join(base: string, key: string): string {
  if (key.length <= 64 && IDENTIFIER.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${showKey(key)}]`;
}

/** a value as shown in messages */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return showKey(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
