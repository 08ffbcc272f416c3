/** The default rule set: standard exceedances generated from the standards data, the operational rules, the platform's own. */
import { OPERATIONAL_RULES } from './operational-rules.ts';
import { standardRules } from './standard-rules.ts';
import { SYSTEM_RULES } from './system-rules.ts';
import type { AlertRule } from './types.ts';

export const DEFAULT_RULES: readonly AlertRule[] = Object.freeze([...standardRules(), ...OPERATIONAL_RULES, ...SYSTEM_RULES]);

/** A default rule by id, or undefined. */
export function defaultRule(id: string): AlertRule | undefined {
  return DEFAULT_RULES.find((r) => r.id === id);
}
