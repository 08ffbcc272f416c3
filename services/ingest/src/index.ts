export * from './ingest.ts';
export * from './journal.ts';
export * from './held-writes.ts';
export * from './store-writer.ts';
export * from './rollups.ts';
export * from './registry-cache.ts';
export * from './dead-letters.ts';
export * from './disk-monitor.ts';
