import type { FastifyInstance } from 'fastify';
import { installProblemHandler } from '../errors.ts';

/**
 * Every error leaves as application/problem+json: ApiError, schema validation (400 naming each
 * field), unknown routes (404), rate limits (429), body parsing (400/413/415), store outages
 * (503), and anything unexpected (500 without internals; logged). Call on the root instance.
 */
export function installProblems(app: FastifyInstance): void {
  installProblemHandler(app);
}
