export * from './types.ts';
export * from './topics.ts';
export * from './credentials.ts';
