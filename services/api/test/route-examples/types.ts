import type { KeyName } from '../fixtures.ts';

/**
 * One valid request of a route, for the route-matrix test (test/route-matrix.test.ts), which
 * derives from it the unauthenticated, wrong-role, other-city, bad-parameter and injection
 * requests. Mutating routes act on the `scratch` city so the stores of cnx and bkk stay as seeded.
 */
export interface RouteExample {
  /** the key to call with (omit for public routes) */
  as?: KeyName;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
  /** extra headers of the happy-path request only */
  headers?: Record<string, string>;
  status: number;
  /** default application/json */
  contentType?: RegExp;
  /** a response that never ends (server-sent events): the happy path reads only its head */
  stream?: boolean;
}
