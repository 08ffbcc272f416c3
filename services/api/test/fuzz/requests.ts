import { KEYS, type KeyName } from '../fixtures.ts';
import type { RouteExample } from '../route-examples/index.ts';

/**
 * Hostile request generator of the API fuzz (test/fuzz.test.ts). Every request is derived from a
 * documented operation and its valid example by changing one thing (the key, a path or query
 * parameter, one body field, the body itself, the content type, the method, a header), or is a
 * garbage URL. Each request says what the API must do with it:
 * - `reject`: certainly invalid (the schema, the key or the framework must refuse it): a 4xx;
 * - `lenient`: hostile-looking but possibly valid (a free-text field holding SQL, a number sent as
 *   a string that Ajv coerces, a dot segment that the URL parser resolves): anything but a 5xx,
 *   and if it changed something, that change is accounted for by its 2xx answer.
 * The generator is driven by a seeded PRNG: the same seed gives the same sequence.
 */

export interface Schema {
  type?: string | string[];
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
}

export interface Param {
  name: string;
  schema: Schema;
}

export interface Operation {
  key: string;
  method: string;
  path: string;
  public: boolean;
  minRole: 'viewer' | 'operator' | 'admin' | null;
  pathParams: Param[];
  queryParams: Param[];
  body: Schema | null;
  example: RouteExample;
  /** methods registered for the example's concrete path (any route template that matches it) */
  methods: Set<string>;
}

export type Kind = 'valid' | 'reject' | 'lenient';

export interface FuzzRequest {
  seq: number;
  kind: Kind;
  /** what was attacked, e.g. `auth.revoked`, `query.type`, `body.deep` */
  label: string;
  op: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** an endless response (server-sent events) when accepted */
  stream?: boolean;
  /** valid requests: the status they must get */
  expectStatus?: number;
}

export type Rng = () => number;

/** mulberry32: small, fast and good enough to pick cases; the seed replays a run */
export function rng(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const int = (r: Rng, n: number): number => Math.floor(r() * n);
export const pick = <T>(r: Rng, items: readonly T[]): T => items[int(r, items.length)] as T;

export function authHeader(name: KeyName): Record<string, string> {
  return { authorization: `Bearer ${KEYS[name].key}` };
}

/** percent-encodes anything, lone surrogates included (encodeURIComponent throws on those) */
export function enc(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
  }
}

export function buildUrl(path: string, params: Record<string, string> = {}, query: Array<[string, string]> = []): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => enc(params[name] ?? `missing-${name}`));
  return query.length ? `${filled}?${query.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}` : filled;
}

/** a URL whose path the URL parser rewrites (`/../`, `/./`, encoded dots): it may reach another route */
export function hasDotSegment(url: string): boolean {
  const path = url.split('?')[0] ?? url;
  return path.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment)) || /[\\]/.test(path);
}

// ---------------------------------------------------------------------------------------------
// what Ajv (coerceTypes: 'array', as createApi configures it) certainly refuses

const typesOf = (schema: Schema): string[] => (schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type]);
/** Ajv counts code points, not UTF-16 units */
const length = (s: string): number => [...s].length;

function stringViolates(schema: Schema, value: string): boolean {
  if (schema.minLength !== undefined && length(value) < schema.minLength) return true;
  if (schema.maxLength !== undefined && length(value) > schema.maxLength) return true;
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) return true;
  return false;
}

function numberViolates(schema: Schema, value: number, integer: boolean): boolean {
  if (!Number.isFinite(value)) return true;
  if (integer && !Number.isInteger(value)) return true;
  if (schema.minimum !== undefined && value < schema.minimum) return true;
  if (schema.maximum !== undefined && value > schema.maximum) return true;
  return false;
}

/** a query or path value (always a string on the wire): true when the schema refuses it for sure */
export function paramRejected(schema: Schema, value: string): boolean {
  if (schema.enum) return !schema.enum.includes(value);
  const types = typesOf(schema);
  if (types.includes('string')) return stringViolates(schema, value);
  if (types.includes('integer') || types.includes('number')) {
    // Ajv's string-to-number coercion: non-empty and loosely equal to its numeric value
    // eslint-disable-next-line eqeqeq
    if (value === '' || Number(value) != (value as unknown as number)) return true;
    return numberViolates(schema, Number(value), types.includes('integer') && !types.includes('number'));
  }
  if (types.includes('boolean')) return value !== 'true' && value !== 'false';
  return false;
}

function jsonTypeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'string':
      return typeof value === 'string';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    default:
      return false;
  }
}

const isScalar = (v: unknown): boolean => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** a body field value: true when the field's schema refuses it for sure (false = it may pass, after coercion or not) */
export function bodyValueRejected(schema: Schema, value: unknown): boolean {
  const types = typesOf(schema);
  if (schema.enum && types.length === 0) return !schema.enum.some((e) => e === value);
  if (types.length === 0) return false;
  const matching = types.find((t) => jsonTypeMatches(t, value));
  if (matching) {
    if (schema.enum && !schema.enum.some((e) => e === value)) return true;
    if (typeof value === 'string') return stringViolates(schema, value);
    if (typeof value === 'number') return numberViolates(schema, value, matching === 'integer');
    if (matching === 'object') {
      const extra = Object.keys(value as object).filter((k) => !(k in (schema.properties ?? {})));
      if (schema.additionalProperties === false && extra.length > 0) return true;
      return Object.entries(value as Record<string, unknown>).some(([k, v]) => schema.properties?.[k] !== undefined && bodyValueRejected(schema.properties[k] as Schema, v));
    }
    return false;
  }
  // 'array' coercion unwraps a one-element array, then a scalar may be coerced to one of the field's types
  const unwrapped = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (unwrapped !== value) return bodyValueRejected(schema, unwrapped);
  return !types.some((t) => coercible(t, value));
}

/** whether Ajv's coercion can turn `value` into `type` (the constraints are not checked) */
function coercible(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'number' || typeof value === 'boolean' || value === null;
    case 'number':
    case 'integer':
      // eslint-disable-next-line eqeqeq
      return (typeof value === 'string' && value !== '' && Number(value) == (value as unknown as number)) || typeof value === 'boolean' || value === null;
    case 'boolean':
      return value === 'true' || value === 'false' || value === 0 || value === 1 || value === null;
    case 'null':
      return value === '' || value === 0 || value === false;
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// attack material

/** strings for path, query and body values: traversal, NUL, injection, unicode, lengths */
export const ATTACK_STRINGS: readonly string[] = [
  '../',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '..%2F..%2F',
  '%00',
  '\u0000',
  'cnx\u0000',
  '%2e%2e%2f',
  "' OR 1=1 --",
  '" OR ""="',
  '"; DROP TABLE cities; --',
  '"; DROP MEASUREMENT air',
  "cnx' OR city =~ /.*/ --",
  '/.*/',
  '.*',
  '(a+)+$',
  '$where',
  '{"$gt":""}',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '%s%s%s%n',
  'เชียงใหม่',
  '🌫️🌫️',
  '\u202eevil',
  '\ud800',
  'CNX',
  ' cnx',
  'cnx ',
  'a'.repeat(65),
  'a'.repeat(201),
  'x'.repeat(5000),
  '',
  '\r\nX-Injected: 1',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '0x10',
  'true',
  '[]',
  '{}',
  '__proto__',
];

/** far past and future, malformed and overflowing timestamps for from / to / at */
export const TIMESTAMPS: ReadonlyArray<[string, 'far' | 'odd']> = [
  ['1900-01-01', 'far'],
  ['0001-01-01T00:00:00Z', 'far'],
  ['1970-01-01T00:00:00Z', 'far'],
  ['1999-12-31T23:59:59+07:00', 'far'],
  ['2101-01-01', 'far'],
  ['9999-12-31T23:59:59Z', 'far'],
  ['+275760-09-13T00:00:00Z', 'odd'],
  ['-271821-04-20T00:00:00Z', 'odd'],
  ['+999999-01-01', 'odd'],
  ['0', 'odd'],
  ['-1', 'odd'],
  ['1e20', 'odd'],
  ['99999999999999999999', 'odd'],
  ['1741579200000', 'odd'],
  ['2025-02-30', 'odd'],
  ['2025-13-01', 'odd'],
  ['2025-03-10T25:00:00+07:00', 'odd'],
  ['2025-03-10T12:00:00+99:00', 'odd'],
  ['2025-03-10T12:00:00', 'odd'],
  ['now', 'odd'],
  ['yesterday', 'odd'],
  ['2025-03-10 12:00', 'odd'],
];

const INVALID_JSON_VALUES = ['NaN', 'Infinity', '-Infinity', 'undefined', '0x10', '+1', '.5', '01', "'x'", '"\u0000"', '"\\x41"', 'tru', '[1,]', '{"a":1,}'];
const NUMBER_LITERALS = ['-0', '1e308', '-1e308', '1e999', '-1e999', '9007199254740993', '1e-400', '123456789012345678901234567890', '0.1e-7', '-1'];
/** values Ajv never coerces into a scalar */
const NON_COERCIBLE: readonly unknown[] = [{}, { $gt: '' }, [1, 2], [[]], [{}], { toString: 'x' }, [['nested']]];
/** values Ajv coerces into another scalar type: may be accepted */
const COERCIBLE: readonly unknown[] = [123, 0, -0, 1.5, true, false, null, '42', 'true', 'false', '', ['single'], [7]];
const FOREIGN_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=----x', 'text/xml', 'application/octet-stream', 'application/json-patch+json', 'image/png'];
const GARBAGE_PATHS = [
  '/docs/static/..%2f..%2f..%2fpackage.json',
  '/docs/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '/console/v0/..%2f..%2f..%2fetc%2fpasswd.js',
  '/console/v0/%2e%2e%2fsrc%2fapp.js',
  '/v1/cities/cnx%2fdevices',
  '/v1/%00',
  '/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
  '/v1/cities/cnx/readings%00.json',
  '/open/v1/cnx/latest;jsessionid=1',
  '/v2/cities',
  '/V1/CITIES',
  '/v1/cities/cnx/devices/cnx-aq1/secret',
  '/.env',
  '/.git/config',
  '/server-status',
  '/wp-login.php',
];

function deepJson(depth: number, kind: 'object' | 'array'): string {
  return kind === 'object' ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** prebuilt big strings: building them per request would dominate the run time */
export class Material {
  /** deeply nested JSON, with a shallow value of the same shape to classify it */
  readonly deep: ReadonlyArray<{ text: string; shape: unknown }> = [
    { text: deepJson(1000, 'object'), shape: { a: {} } },
    { text: deepJson(10_000, 'object'), shape: { a: {} } },
    { text: deepJson(32_000, 'array'), shape: [[]] },
    { text: deepJson(100_000, 'array'), shape: [[]] },
    { text: deepJson(20_000, 'object'), shape: { a: {} } },
  ];
  readonly oversized: Buffer;

  constructor(readonly bodyLimit: number) {
    const size = bodyLimit * 5;
    this.oversized = Buffer.alloc(size, 0x61);
    Buffer.from('{"name":"').copy(this.oversized, 0);
  }
}

// ---------------------------------------------------------------------------------------------
// one hostile request

interface Draft {
  kind: Kind;
  label: string;
  method?: string;
  params?: Record<string, string>;
  query?: Array<[string, string]>;
  /** raw text appended to the path instead of the encoded params (path.raw, url.*) */
  url?: string;
  headers?: Record<string, string>;
  /** replaces the authentication of the example (null = none) */
  as?: KeyName | null;
  body?: string | Buffer;
  contentType?: string | null;
}

const LOWER_ROLE: Record<string, KeyName[]> = { operator: ['viewerAll', 'viewerCnx'], admin: ['operatorAll', 'viewerAll', 'operatorCnx'] };
/** routes without a city parameter where a city-limited admin is refused anyway */
const CITY_WIDE_ROUTES = new Set(['POST /v1/cities', 'POST /v1/keys']);

function exampleQuery(ex: RouteExample): Array<[string, string]> {
  return Object.entries(ex.query ?? {});
}

function authAttack(r: Rng, op: Operation): Draft | null {
  if (op.public) return null;
  const options: Array<() => Draft | null> = [
    () => ({ kind: 'reject', label: 'auth.none', as: null }),
    () => ({ kind: 'reject', label: 'auth.unknown', as: null, headers: { authorization: `Bearer mk_${pick(r, ['not-a-key-we-issued-000000', 'test-admin-all-000000000002', 'x'.repeat(64), 'test-admin-all-00000000000'])}` } }),
    () => ({ kind: 'reject', label: 'auth.malformed', as: null, headers: pick(r, [{ authorization: 'Basic YWRtaW46YWRtaW4=' }, { authorization: 'Bearer' }, { authorization: 'Bearer  two  spaces' }, { authorization: `bearer${KEYS.adminAll.key}` }, { authorization: `Bearer ${'x'.repeat(10_000)}` }, { authorization: 'Bearer ภาษาไทย' }, { 'x-api-key': '' }, { authorization: `Token ${KEYS.adminAll.key}` }]) }),
    () => ({ kind: 'reject', label: 'auth.revoked', as: 'revoked' }),
    () => ({ kind: 'reject', label: 'auth.conflicting', as: null, headers: { authorization: `Bearer ${KEYS.adminAll.key}`, 'x-api-key': KEYS.viewerAll.key } }),
    () => (op.minRole && LOWER_ROLE[op.minRole] ? { kind: 'reject', label: 'auth.role', as: pick(r, LOWER_ROLE[op.minRole] as KeyName[]) } : null),
    () => (op.pathParams.some((p) => p.name === 'city') || CITY_WIDE_ROUTES.has(op.key) ? { kind: 'reject', label: 'auth.city', as: 'adminBkk' } : null),
  ];
  return pick(r, options)();
}

function pathAttack(r: Rng, op: Operation): Draft | null {
  if (op.pathParams.length === 0) return null;
  const param = pick(r, op.pathParams);
  const roll = r();
  if (roll < 0.6) {
    const value = r() < 0.85 ? pick(r, ATTACK_STRINGS) : 'z'.repeat(65 + int(r, 400));
    const params = { ...op.example.params, [param.name]: value };
    const url = buildUrl(op.path, params, exampleQuery(op.example));
    // an empty value or dot segment can route elsewhere; everything else must fail the id rule
    const certain = value !== '' && !hasDotSegment(url) && paramRejected(param.schema, value);
    return { kind: certain ? 'reject' : 'lenient', label: value.length > 64 ? 'path.long' : 'path.encoded', params };
  }
  // unencoded: the router decodes it (or cannot)
  const raw = pick(r, ['../', '..', '%00', '%zz', '%E0%A4%A', '%2e%2e', '%2F', 'a%2Fb', '%252e%252e', 'a;b', 'cnx%20', '%F0%9F%8C%AB', 'x?y=1', 'x#frag', '*', '~', '%u002e', '\\..\\']);
  const filled = op.path.replace(/\{(\w+)\}/g, (_, name: string) => (name === param.name ? raw : enc(op.example.params?.[name] ?? name)));
  const query = exampleQuery(op.example);
  const url = query.length ? `${filled}?${query.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}` : filled;
  let decoded: string | null;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    decoded = null;
  }
  const certain = decoded === null || (!/[/?#\\]/.test(decoded) && !hasDotSegment(url) && paramRejected(param.schema, decoded));
  return { kind: certain ? 'reject' : 'lenient', label: 'path.raw', url };
}

function queryAttack(r: Rng, op: Operation): Draft | null {
  if (op.queryParams.length === 0) return null;
  const base = exampleQuery(op.example);
  const param = pick(r, op.queryParams);
  const without = base.filter(([k]) => k !== param.name);
  const roll = int(r, 6);
  if (roll === 0 || roll === 1) {
    const value = roll === 0 ? pick(r, ATTACK_STRINGS) : pick(r, ['abc', '1.5', '1e3', '-1', '0', '99999999999', 'NaN', 'Infinity', '-Infinity', '0x10', ' 5 ', 'true', 'yes', '1', '', '[]', 'AIR', 'air ', 'both,th']);
    return { kind: paramRejected(param.schema, value) ? 'reject' : 'lenient', label: roll === 0 ? 'query.injection' : 'query.type', query: [...without, [param.name, value]] };
  }
  if (roll === 2) {
    const timed = op.queryParams.filter((p) => ['from', 'to', 'at'].includes(p.name));
    if (timed.length === 0) return null;
    const target = pick(r, timed);
    const [value, sort] = pick(r, TIMESTAMPS);
    const rest = base.filter(([k]) => k !== target.name);
    // the data routes accept 2000..2100 only; the odd forms may parse (1741579200000 is epoch ms)
    const certain = sort === 'far' || paramRejected(target.schema, value);
    return { kind: certain ? 'reject' : 'lenient', label: 'query.timestamp', query: [...rest, [target.name, value]] };
  }
  if (roll === 3) {
    // the same parameter twice with different values: an array where a scalar is expected
    const first = base.find(([k]) => k === param.name)?.[1] ?? 'a';
    return { kind: 'reject', label: 'query.duplicate', query: [...base.filter(([k]) => k !== param.name), [param.name, first], [param.name, `${first}x`]] };
  }
  if (roll === 4) {
    const extra = pick(r, [['__proto__', 'x'], ['constructor[prototype][admin]', '1'], ['$where', '1'], ['domain[$ne]', 'air'], ['limit[]', '1'], ['city', 'bkk'], ['q', "' OR 1=1 --"]] as Array<[string, string]>);
    return { kind: 'lenient', label: 'query.unknown', query: [...base, extra] };
  }
  // a raw query string: invalid percent-encoding, empty pairs, a huge value
  const raw = pick(r, ['&&&=&', '%zz=1', 'limit=%', `${param.name}=%E0%A4%A`, `${param.name}=${'%41'.repeat(3000)}`, '=', `${param.name}`, `${param.name}[]=a&${param.name}[]=b`]);
  const url = `${buildUrl(op.path, op.example.params, base)}${base.length ? '&' : '?'}${raw}`;
  return { kind: 'lenient', label: 'query.raw', url };
}

function bodyAttack(r: Rng, op: Operation, material: Material): Draft | null {
  if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(op.method)) return null;
  const json = 'application/json';
  // routes without a body: only bodies the parser must refuse (a JSON object would be ignored, and accepted)
  if (!op.body) {
    return pick(r, [
      (): Draft => ({ kind: 'reject', label: 'body.random', body: randomBytes(r), contentType: json }),
      (): Draft => ({ kind: 'reject', label: 'body.oversized', body: material.oversized.subarray(0, material.bodyLimit + 1 + int(r, material.bodyLimit * 3)), contentType: json }),
      (): Draft => ({ kind: 'reject', label: 'body.literal', body: `{"a":${pick(r, INVALID_JSON_VALUES)}}`, contentType: json }),
      (): Draft => ({ kind: 'reject', label: 'body.content-type', body: 'a=1&b=2', contentType: pick(r, FOREIGN_CONTENT_TYPES) }),
      (): Draft => ({ kind: 'reject', label: 'body.empty', body: '', contentType: json }),
    ])();
  }
  const schema = op.body;
  const base = structuredClone(op.example.body ?? {}) as Record<string, unknown>;
  const fields = Object.keys(schema.properties ?? {});
  const field = fields.length ? pick(r, fields) : 'name';
  const fieldSchema = schema.properties?.[field] ?? {};
  const withField = (value: unknown): Draft => {
    const body = { ...base, [field]: value };
    return { kind: bodyValueRejected(schema, body) ? 'reject' : 'lenient', label: '', body: JSON.stringify(body), contentType: json };
  };
  const roll = int(r, 14);
  switch (roll) {
    case 0:
      return { kind: 'reject', label: 'body.random', body: randomBytes(r), contentType: json };
    case 1:
      return { kind: 'reject', label: 'body.oversized', body: material.oversized.subarray(0, material.bodyLimit + 1 + int(r, material.bodyLimit * 3)), contentType: json };
    case 2: {
      // nested at the top (not an object of known fields) or inside a field (not a scalar)
      const deep = pick(r, material.deep);
      const top = r() < 0.5;
      const body = top ? deep.text : `{"${field}":${deep.text}}`;
      const certain = body.length > material.bodyLimit || (top ? bodyValueRejected(schema, deep.shape) || Array.isArray(deep.shape) : bodyValueRejected(schema, { ...base, [field]: deep.shape }));
      return { kind: certain ? 'reject' : 'lenient', label: 'body.deep', body, contentType: json };
    }
    case 3:
      return { kind: 'reject', label: 'body.literal', body: JSON.stringify({ ...base, [field]: '@@' }).replace('"@@"', pick(r, INVALID_JSON_VALUES)), contentType: json };
    case 4: {
      const literal = pick(r, NUMBER_LITERALS);
      const value = JSON.parse(literal) as number;
      const body = JSON.stringify({ ...base, [field]: '@@' }).replace('"@@"', literal);
      return { kind: bodyValueRejected(schema, { ...base, [field]: value }) ? 'reject' : 'lenient', label: 'body.number', body, contentType: json };
    }
    case 5: {
      const objectField = typesOf(fieldSchema).includes('object');
      const value = r() < 0.6 ? (objectField ? pick(r, ['x', 1, [1, 2], true]) : pick(r, NON_COERCIBLE)) : pick(r, COERCIBLE);
      return { ...withField(value), label: 'body.type' };
    }
    case 6:
      return { ...withField(pick(r, ATTACK_STRINGS)), label: 'body.string' };
    case 7:
      return { ...withField('x'.repeat((fieldSchema.maxLength ?? 1000) + 1 + int(r, 5000))), label: 'body.long' };
    case 8: {
      const required = (schema.required ?? []).filter((k) => k in base);
      if (required.length === 0) return null;
      const body = { ...base };
      delete body[pick(r, required)];
      return { kind: 'reject', label: 'body.missing', body: JSON.stringify(body), contentType: json };
    }
    case 9: {
      const extra = pick(r, ['isAdmin', 'role', 'cityId', 'secretHash', 'id', 'keyHash', '$where']);
      if (extra in (schema.properties ?? {})) return null;
      return { kind: schema.additionalProperties === false ? 'reject' : 'lenient', label: 'body.extra', body: JSON.stringify({ ...base, [extra]: pick(r, [true, 'admin', 'bkk', 1]) }), contentType: json };
    }
    case 10: {
      // prototype pollution: refused by the JSON parser
      const text = JSON.stringify(base).replace(/^\{/, pick(r, ['{"__proto__":{"role":"admin"},', '{"constructor":{"prototype":{"role":"admin"}},', '{"a":{"__proto__":{"x":1}},']));
      return { kind: 'reject', label: 'body.proto', body: text.replace(/,\}$/, '}'), contentType: json };
    }
    case 11:
      return { kind: 'reject', label: 'body.content-type', body: pick(r, ['a=1&b=2', JSON.stringify(base)]), contentType: r() < 0.15 ? null : pick(r, FOREIGN_CONTENT_TYPES) };
    case 12:
      return { kind: 'reject', label: 'body.empty', body: '', contentType: json };
    default: {
      const value = pick(r, ['[]', '"text"', '1', 'true', '[{"name":"x"}]']);
      return { kind: 'reject', label: 'body.not-object', body: value, contentType: json };
    }
  }
}

function methodAttack(r: Rng, op: Operation): Draft | null {
  const candidates = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'TRACE', 'PROPFIND'].filter((m) => !op.methods.has(m));
  if (candidates.length === 0) return null;
  return { kind: 'reject', label: 'method', method: pick(r, candidates) };
}

function headerAttack(r: Rng, op: Operation): Draft | null {
  return pick(r, [
    (): Draft => ({ kind: 'lenient', label: 'header.accept', headers: { accept: pick(r, ['application/xml', '*/*;q=0', 'text/event-stream', 'application/problem+json', 'x'.repeat(4000)]) } }),
    (): Draft => ({ kind: 'lenient', label: 'header.forwarded', headers: { 'x-forwarded-for': pick(r, ['127.0.0.1', '::1, 10.0.0.1', 'x'.repeat(2000), '999.999.999.999', '\u00ff\u00fe']), forwarded: 'for=evil' } }),
    (): Draft => ({ kind: 'lenient', label: 'header.host', headers: { host: pick(r, ['evil.example', 'localhost:99999', 'a'.repeat(300)]) } }),
    (): Draft => ({ kind: 'lenient', label: 'header.many', headers: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x-junk-${i}`, 'y'.repeat(20)])) }),
    (): Draft => ({ kind: 'lenient', label: 'header.encoding', headers: { 'accept-encoding': 'gzip;q=1, br, zstd, *;q=0', 'content-encoding': 'gzip' } }),
    (): Draft => (op.public ? { kind: 'lenient', label: 'header.auth-on-public', as: 'revoked' } : { kind: 'reject', label: 'header.huge-key', as: null, headers: { authorization: `Bearer mk_${'k'.repeat(12_000)}` } }),
  ])();
}

function urlAttack(r: Rng): Draft {
  if (r() < 0.4) {
    const url = pick(r, GARBAGE_PATHS);
    return { kind: hasDotSegment(url) ? 'lenient' : 'reject', label: 'url.known', url };
  }
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-_.~!$&\'()*+,;=:@';
  const segments = Array.from({ length: 1 + int(r, 6) }, () =>
    Array.from({ length: 1 + int(r, 12) }, () => (r() < 0.2 ? `%${int(r, 256).toString(16).padStart(2, '0')}` : alphabet[int(r, alphabet.length)])).join(''),
  );
  const url = `/${segments.join('/')}`;
  // a random path may decode to a dot segment or hit /v1/** (401 for no key); it never reaches a handler
  return { kind: hasDotSegment(url) || /%2e/i.test(url) ? 'lenient' : 'reject', label: 'url.random', url };
}

function randomBytes(r: Rng): Buffer {
  const out = Buffer.alloc(1 + int(r, 2048));
  for (let i = 0; i < out.length; i++) out[i] = int(r, 256);
  out[0] = 0xff; // never a JSON value by chance
  return out;
}

const CATEGORIES: ReadonlyArray<[number, 'auth' | 'path' | 'query' | 'body' | 'method' | 'header' | 'url']> = [
  [20, 'auth'],
  [15, 'path'],
  [20, 'query'],
  [25, 'body'],
  [5, 'method'],
  [5, 'header'],
  [10, 'url'],
];
const CATEGORY_TOTAL = CATEGORIES.reduce((n, [w]) => n + w, 0);

/**
 * `slow`: operations whose accepted requests cost tens of milliseconds (assessment, AQI, scrypt):
 * they get only requests that must be refused, so that the run stays short.
 */
export function hostileRequest(r: Rng, seq: number, ops: readonly Operation[], material: Material, slow: ReadonlySet<string> = new Set()): FuzzRequest {
  for (;;) {
    let roll = r() * CATEGORY_TOTAL;
    const category = CATEGORIES.find(([w]) => (roll -= w) < 0)?.[1] ?? 'url';
    const op = pick(r, ops);
    const draft =
      category === 'auth' ? authAttack(r, op)
      : category === 'path' ? pathAttack(r, op)
      : category === 'query' ? queryAttack(r, op)
      : category === 'body' ? bodyAttack(r, op, material)
      : category === 'method' ? methodAttack(r, op)
      : category === 'header' ? headerAttack(r, op)
      : urlAttack(r);
    if (!draft || (draft.kind === 'lenient' && category !== 'url' && slow.has(op.key))) continue;
    const ex = op.example;
    const isUrl = category === 'url';
    const as = draft.as === undefined ? (isUrl ? null : (ex.as ?? null)) : draft.as;
    const headers: Record<string, string> = { ...(isUrl ? {} : (ex.headers ?? {})), ...(as ? authHeader(as) : {}), ...(draft.headers ?? {}) };
    let body = draft.body;
    if (body === undefined && !isUrl && ex.body && op.method !== 'GET') body = JSON.stringify(ex.body);
    const contentType = draft.contentType === undefined ? (body !== undefined ? 'application/json' : null) : draft.contentType;
    if (contentType) headers['content-type'] = contentType;
    const url = draft.url ?? (isUrl ? '/' : buildUrl(op.path, draft.params ?? ex.params, draft.query ?? exampleQuery(ex)));
    return {
      seq,
      kind: draft.kind,
      label: draft.label,
      op: isUrl ? 'url' : op.key,
      method: draft.method ?? (isUrl ? pick(r, ['GET', 'POST', 'DELETE']) : op.method),
      url,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(ex.stream && !isUrl ? { stream: true } : {}),
    };
  }
}

/** a short printable form of a request, to replay or read a failure */
export function describeRequest(req: FuzzRequest): string {
  const text = req.body === undefined ? '' : typeof req.body === 'string' ? req.body : req.body.toString('latin1');
  const body = req.body === undefined ? '' : text.length <= 300 ? ` body=${JSON.stringify(text)}` : ` body=<${text.length} bytes: ${JSON.stringify(text.slice(0, 80))}...>`;
  const headers = JSON.stringify(req.headers, (_, v: unknown) => (typeof v === 'string' && v.length > 120 ? `${v.slice(0, 60)}...<${v.length} chars>` : v));
  return `#${req.seq} [${req.kind} ${req.label}] ${req.op}: ${req.method} ${req.url.length > 300 ? `${req.url.slice(0, 300)}...<${req.url.length} chars>` : req.url} headers=${headers}${body}`;
}
