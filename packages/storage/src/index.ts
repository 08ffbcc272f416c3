export * from './telemetry-store.ts';
export * from './state-store.ts';
