/**
 * Ajv's type coercion (on for query strings, where it is needed) also runs on JSON bodies, and in
 * `anyOf: [{type: 'number'}, {type: 'null'}]` it turns null into 0 in the first branch (a cleared
 * latitude becomes the equator, a cleared baseline becomes 0; "" for strings). A type list
 * (`type: ['number', 'null']`) is not coerced when the value already has one of the types.
 * `typeListNullables` rewrites every such two-branch union in a body schema into a type list;
 * createApi applies it to every route's body, so TypeBox's Type.Union([X, Type.Null()]) is safe.
 */
const SCALARS = new Set(['string', 'number', 'integer', 'boolean']);

function isNullSchema(schema: unknown): boolean {
  if (!schema || typeof schema !== 'object') return false;
  const keys = Object.keys(schema);
  return (schema as { type?: unknown }).type === 'null' && keys.every((k) => k === 'type' || k === 'description');
}

function isScalarSchema(schema: unknown): schema is Record<string, unknown> & { type: string } {
  if (!schema || typeof schema !== 'object') return false;
  const s = schema as Record<string, unknown>;
  return typeof s.type === 'string' && SCALARS.has(s.type) && !('anyOf' in s) && !('oneOf' in s) && !('allOf' in s);
}

export function typeListNullables(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(typeListNullables);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = typeListNullables(value);
  const anyOf = out.anyOf;
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const nullAt = anyOf.findIndex(isNullSchema);
    const other = nullAt === -1 ? undefined : anyOf[1 - nullAt];
    if (isScalarSchema(other)) {
      const { anyOf: _union, ...rest } = out;
      return { ...other, ...rest, type: [other.type, 'null'] };
    }
  }
  return out;
}
