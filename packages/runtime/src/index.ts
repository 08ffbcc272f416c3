export * from './env.ts';
export * from './status-server.ts';
export * from './shutdown.ts';
