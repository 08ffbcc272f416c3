import { ASSESSMENT_EXAMPLES } from './assessment.ts';
import { AUDIT_EXAMPLES } from './audit.ts';
import { CONSOLE_EXAMPLES } from './console.ts';
import { CORE_EXAMPLES } from './core.ts';
import type { RouteExample } from './types.ts';

export type { RouteExample } from './types.ts';

/**
 * Every documented operation needs one example here, or the route matrix fails: add a module per
 * area (one file each, so parallel work does not collide) and merge it below.
 */
export const EXAMPLES: Record<string, RouteExample> = { ...CORE_EXAMPLES, ...CONSOLE_EXAMPLES, ...ASSESSMENT_EXAMPLES, ...AUDIT_EXAMPLES };
