import { DOMAINS } from '@mueang/core';
import { Type, type TSchema } from 'typebox';

/** Same rule as isValidId in @mueang/core: ids become MQTT topic segments and telemetry tags. */
export const ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';
export const ID_RULE = "an id: 1-64 characters a-z, 0-9, '-' and '_', starting with a letter or digit";

export function IdString(description: string) {
  return Type.String({ pattern: ID_PATTERN, maxLength: 64, description: `${description} (${ID_RULE})` });
}

/** free text may hold anything but U+0000, which PostgreSQL text cannot store */
export const NO_NUL_PATTERN = '^[^\\u0000]*$';

/** Free text (names, notes): any characters except NUL, stored and returned verbatim. */
export function FreeText(options: { minLength?: number; maxLength: number; description?: string }) {
  return Type.String({ ...options, pattern: NO_NUL_PATTERN });
}

export const CityParams = Type.Object({ city: IdString('City id') }, { additionalProperties: false });
export const Domain = Type.Enum([...DOMAINS], { description: 'Sensor domain' });
export const IsoTime = Type.String({ description: 'ISO 8601 UTC timestamp', examples: ['2025-01-15T03:00:00.000Z'] });
export const TimeParam = (what: string) =>
  Type.String({
    maxLength: 40,
    description: `${what}: ISO 8601 date-time with an offset (2025-01-15T10:00:00+07:00), a date (YYYY-MM-DD = 00:00 Asia/Bangkok) or epoch milliseconds`,
  });
export const ParamsList = Type.String({
  maxLength: 400,
  description: 'Comma-separated parameter names from the sensor catalog of the domain, e.g. pm25,pm10',
});
export const Values = Type.Record(Type.String(), Type.Number(), { description: 'parameter -> value in its canonical unit' });
export const NullableString = Type.Union([Type.String(), Type.Null()]);
export const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

/**
 * A nullable field of a request body, as a JSON-schema type list (`type: ['string', 'null']`)
 * rather than anyOf: with Ajv's type coercion an anyOf would turn null into "" or 0 in its first
 * branch (a cleared latitude would become 0).
 */
export function NullableInput<T extends string | number>(schema: { type: 'string' | 'number' | 'integer'; [keyword: string]: unknown }) {
  return Type.Unsafe<T | null>({ ...schema, type: [schema.type, 'null'] });
}

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { description: 'RFC 9457 problem details (application/problem+json)' },
);

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: the detail names the field and what to do',
  401: 'No API key, or an unknown or revoked one',
  403: "The key's role or city does not allow this",
  404: 'Not found',
  409: 'Conflict with the current state',
  429: 'Rate limit exceeded',
  503: 'A store is unavailable',
};

export interface ProblemResponse {
  description: string;
  content: { 'application/problem+json': { schema: TSchema } };
}

/** Problem responses (application/problem+json) for the given status codes. */
export function problems(...codes: number[]): Record<number, ProblemResponse> {
  const out: Record<number, ProblemResponse> = {};
  for (const code of codes) out[code] = { description: PROBLEM_DESCRIPTIONS[code] ?? 'Problem', content: { 'application/problem+json': { schema: Problem } } };
  return out;
}

/** the problem set of an authenticated read route with a city parameter */
export const READ_PROBLEMS = [400, 401, 403, 404, 429, 503];
