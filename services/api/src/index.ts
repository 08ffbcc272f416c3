export { createApi, API_VERSION, DEFAULT_RATE_LIMIT, DEFAULT_PUBLIC_RATE_LIMIT, type CreateApiOptions, type RouteSummary, type RateLimitOptions, type CorsOptions, type HttpsOptions } from './app.ts';
export { ApiError, installProblemHandler, toApiError, validationProblem, sendProblem, PROBLEM_CONTENT_TYPE, type ProblemDocument, type ProblemFieldError, type ApiErrorOptions } from './errors.ts';
export { MqttRegistryEvents, noRegistryEvents, type IngestControl, type RegistryEvents, type MqttRegistryEventsOptions } from './registry-events.ts';
export * from './auth/index.ts';
export { DEFAULT_OPEN_DATA_LICENSE, type OpenDataLicense } from './routes/open-data/index.ts';
export { AuditTrail, auditActorOf, changedFields, type AuditChange, type Audited, type TransactionStores } from './audit/trail.ts';
export { consoleVars, consoleOptions, loadApiConfig, type ApiConfig } from './config.ts';
