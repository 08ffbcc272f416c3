export * from './types.ts';
export { sanitizeDetails, maskText, REDACTED } from './sanitize.ts';
export { SqlAuditRepository, auditRepository } from './repository.ts';
