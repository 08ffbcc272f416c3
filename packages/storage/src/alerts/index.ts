export * from './types.ts';
export { AlertRepositoryError, type AlertErrorCode } from './errors.ts';
export { maskAddress } from './mask.ts';
export { SqlAlertRepository, alertRepository } from './repository.ts';
