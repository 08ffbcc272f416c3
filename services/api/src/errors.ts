import { AlertRepositoryError, StateStoreError, TelemetryStoreError } from '@mueang/storage';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Errors as RFC 9457 problem details (`application/problem+json`).
 *
 * Throw an `ApiError` from any route or hook; the error handler installed by
 * `installProblemHandler` turns it (and Fastify's own validation, 404, rate-limit and
 * body-parsing errors) into a problem document. `detail` must tell the caller what was wrong
 * and what to do about it.
 */

export interface ProblemFieldError {
  /** where the problem is, e.g. `query.from`, `body.location.lat`, `params.city` */
  path: string;
  message: string;
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: ProblemFieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_TYPE_BASE = 'https://mueang.dev/problems/';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

function slugOf(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export interface ApiErrorOptions {
  /** short problem kind slug or absolute URI; defaults to the slug of the title */
  type?: string;
  title?: string;
  errors?: ProblemFieldError[];
  /** extra headers for the reply (e.g. WWW-Authenticate, Retry-After) */
  headers?: Record<string, string>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly type: string;
  readonly errors: ProblemFieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, detail: string, options: ApiErrorOptions = {}) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.title = options.title ?? TITLES[status] ?? 'Error';
    this.detail = detail;
    const type = options.type ?? slugOf(this.title);
    this.type = /^[a-z]+:/.test(type) ? type : PROBLEM_TYPE_BASE + type;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }

  toProblem(instance?: string): ProblemDocument {
    const problem: ProblemDocument = { type: this.type, title: this.title, status: this.status, detail: this.detail };
    if (instance !== undefined) problem.instance = instance;
    if (this.errors && this.errors.length > 0) problem.errors = this.errors;
    return problem;
  }

  static badRequest(detail: string, errors?: ProblemFieldError[]): ApiError {
    return new ApiError(400, detail, errors ? { errors } : {});
  }
  /** one bad parameter: `path` like `query.from` */
  static invalidParameter(path: string, message: string): ApiError {
    return new ApiError(400, `${path}: ${message}`, { type: 'invalid-parameter', title: 'Invalid parameter', errors: [{ path, message }] });
  }
  static unauthorized(detail: string): ApiError {
    return new ApiError(401, detail, { headers: { 'www-authenticate': 'Bearer realm="mueang"' } });
  }
  static forbidden(detail: string): ApiError {
    return new ApiError(403, detail);
  }
  static notFound(detail: string): ApiError {
    return new ApiError(404, detail);
  }
  static conflict(detail: string): ApiError {
    return new ApiError(409, detail);
  }
  static unavailable(detail: string): ApiError {
    return new ApiError(503, detail);
  }
}

/** the id rule of @mueang/core isValidId, as the route schemas spell it */
const ID_PATTERN_SOURCE = '^[a-z0-9][a-z0-9_-]{0,63}$';

/** Shape of one Ajv error as Fastify attaches it to `error.validation`. */
interface ValidationIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function jsonPointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .filter((part) => part.length > 0)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function issueToFieldError(context: string, issue: ValidationIssue): ProblemFieldError {
  const base = jsonPointerToPath(issue.instancePath ?? '');
  const params = issue.params ?? {};
  let field = base;
  let message = issue.message ?? 'is invalid';
  if (issue.keyword === 'required' && typeof params.missingProperty === 'string') {
    field = base ? `${base}.${params.missingProperty}` : params.missingProperty;
    message = 'is required';
  } else if (issue.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    field = base ? `${base}.${params.additionalProperty}` : params.additionalProperty;
    message = 'is not a known field; remove it';
  } else if (issue.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    message = `must be one of: ${params.allowedValues.join(', ')}`;
  } else if (issue.keyword === 'type' && typeof params.type === 'string') {
    message = `must be of type ${params.type}`;
  } else if (issue.keyword === 'pattern' && params.pattern === ID_PATTERN_SOURCE) {
    message = "must be an id: 1-64 characters a-z, 0-9, '-' and '_', starting with a letter or digit";
  } else if (issue.keyword === 'pattern' && params.pattern === '^[^\\u0000]*$') {
    message = 'must not contain a NUL character (U+0000)';
  } else if (issue.keyword === 'minProperties') {
    message = 'must name at least one field to change';
  }
  return { path: field ? `${context}.${field}` : context, message };
}

/** Converts Fastify's schema-validation error into a 400 problem naming every bad field. */
export function validationProblem(error: FastifyError): ApiError {
  const context = error.validationContext ?? 'request';
  const issues = (error.validation ?? []) as ValidationIssue[];
  const errors = issues.map((issue) => issueToFieldError(context, issue));
  const unique = errors.filter((e, i) => errors.findIndex((o) => o.path === e.path && o.message === e.message) === i);
  const summary = unique.map((e) => `${e.path} ${e.message}`).join('; ') || error.message;
  return new ApiError(400, `Invalid ${context}: ${summary}. Fix the listed field(s) and retry; see /docs for the schema.`, {
    type: 'validation-failed',
    title: 'Request validation failed',
    errors: unique,
  });
}

const STATE_ERROR_STATUS: Partial<Record<StateStoreError['code'], number>> = {
  'input.invalid': 400,
  'city.not_found': 404,
  'site.not_found': 404,
  'device.not_found': 404,
  'api_key.not_found': 404,
  'device.site_city_mismatch': 409,
  'site.has_devices': 409,
  'api_key.exists': 409,
  'constraint.violated': 409,
  'connection.failed': 503,
};

const ALERT_ERROR_STATUS: Record<AlertRepositoryError['code'], number> = {
  'input.invalid': 400,
  'cursor.invalid': 400,
  'alert.not_found': 404,
  'reference.not_found': 404,
  'constraint.violated': 409,
};

/** Store errors carry messages written for callers; map them to the status that fits. */
function storeProblem(error: StateStoreError | TelemetryStoreError | AlertRepositoryError): ApiError | null {
  if (error instanceof AlertRepositoryError) return new ApiError(ALERT_ERROR_STATUS[error.code] ?? 400, error.message, { type: error.code.replace(/[._]/g, '-') });
  if (error instanceof StateStoreError) {
    const status = STATE_ERROR_STATUS[error.code];
    if (status === undefined) return null;
    if (status === 503) return ApiError.unavailable('The state database cannot be reached right now; retry in a minute. If it persists, tell the operator (see /health).');
    return new ApiError(status, error.message, { type: error.code.replace(/[._]/g, '-') });
  }
  if (error.code === 'input.invalid') return new ApiError(400, error.message, { type: 'invalid-query' });
  if (error.retryable) return ApiError.unavailable('The telemetry database is unavailable or slow right now; retry in a minute. If it persists, tell the operator (see /health).');
  return null;
}

/** Maps any thrown value to an ApiError; unknown errors become an opaque 500. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof StateStoreError || error instanceof TelemetryStoreError || error instanceof AlertRepositoryError) {
    const mapped = storeProblem(error);
    if (mapped) return mapped;
  }
  const fastifyError = error as FastifyError;
  if (fastifyError && Array.isArray(fastifyError.validation)) return validationProblem(fastifyError);
  const status = typeof fastifyError?.statusCode === 'number' ? fastifyError.statusCode : 500;
  if (status >= 400 && status < 500) {
    const detail = status === 429
      ? `Rate limit exceeded: ${fastifyError.message}. Wait before retrying, or use an API key with a higher limit.`
      : (fastifyError.message || TITLES[status] || 'Bad request');
    return new ApiError(status, detail, fastifyError.code ? { type: fastifyError.code.toLowerCase().replace(/_/g, '-') } : {});
  }
  return new ApiError(status >= 500 && status < 600 ? status : 500,
    'The server failed to handle this request. It has been logged; retry later or contact the operator with the time of the request.');
}

export function sendProblem(reply: FastifyReply, error: ApiError, request?: FastifyRequest): FastifyReply {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply
    .status(error.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(error.toProblem(request?.url.split('?')[0]));
}

/**
 * For Fastify's `frameworkErrors` option: errors raised before routing (a path parameter over
 * maxParamLength, a malformed URL) leave as problems too.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const detail = error.code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? 'A path segment is too long; ids have at most 64 characters. Check the URL.'
    : `The URL cannot be read (${error.message.slice(0, 120)}). Check its encoding.`;
  void sendProblem(reply, new ApiError(status, detail, { type: 'bad-url' }), request);
}

/**
 * Installs the problem+json error and not-found handlers on `app` (call on the root instance;
 * encapsulated children inherit them). Server errors are logged with the stack, client errors
 * at debug level without request bodies (they may hold personal data).
 */
export function installProblemHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.debug({ status: apiError.status, type: apiError.type }, 'request rejected');
    return sendProblem(reply, apiError, request);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    return sendProblem(reply, ApiError.notFound(`No route ${request.method} ${path}. See /docs for the available routes.`), request);
  });
}
