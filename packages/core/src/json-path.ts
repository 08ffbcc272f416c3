/** JSON paths and values as shown in rejection messages (internal to the decoder, not re-exported). */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** a key as shown in messages: long keys clipped, odd ones quoted */
export function showKey(key: string): string {
  return JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key);
}

/** `base.key`, or `base["odd key"]` */
export function joinPath(base: string, key: string): string {
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
