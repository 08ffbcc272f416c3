export * from './types.ts';
export * from './choices.ts';
export * from './baseline.ts';
export * from './conditions.ts';
export * from './lifecycle.ts';
export * from './overrides.ts';
export { standardRules, ruleIdForStandard, isAlertingStandard } from './standard-rules.ts';
export { OPERATIONAL_RULES } from './operational-rules.ts';
export { DEFAULT_RULES, defaultRule } from './defaults.ts';
