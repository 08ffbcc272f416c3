import { Ajv, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifySchema } from 'fastify';

// ajv-formats is CommonJS with a default export
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** what Fastify's own compiler uses, with every error reported (bodies are bounded by BODY_LIMIT_BYTES) */
const COMMON: Options = { removeAdditional: false, allErrors: true, useDefaults: true, addUsedSchema: false };

/**
 * Path parameters, query strings and headers arrive as text, so their schemas coerce ("10" -> 10, one value ->
 * an array). A JSON body says its own types: `{"id": 123}` where a string is asked for, or `"true"` for a
 * boolean, is the caller's mistake and gets a 400 naming the field instead of being stored as something else.
 */
export function installValidators(app: FastifyInstance): void {
  const coercing = addFormats(new Ajv({ ...COMMON, coerceTypes: 'array' }));
  const strict = addFormats(new Ajv({ ...COMMON, coerceTypes: false }));
  app.setValidatorCompiler(({ schema, httpPart }) => compile(httpPart === 'body' ? strict : coercing, schema));
}

function compile(ajv: Ajv, schema: FastifySchema): ValidateFunction {
  const id = (schema as { $id?: unknown }).$id;
  // a schema with an $id compiles once per instance (Ajv refuses the same $id twice)
  if (typeof id === 'string') {
    const known = ajv.getSchema(id);
    if (known) return known;
  }
  return ajv.compile(schema as object);
}
