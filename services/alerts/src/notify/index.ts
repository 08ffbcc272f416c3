/** Alert notifiers: rendering, routing, delivery with retries, and the four channels. */
export * from './types.ts';
export * from './message.ts';
export * from './payload.ts';
export * from './routing.ts';
export * from './dispatcher.ts';
export * from './memory-log.ts';
export * from './redact.ts';
export { createNotifyMetrics, type NotifyMetrics } from './metrics.ts';
export { checkNotification, alertNotificationSchema } from './notification-schema.ts';
export { classifyHttpStatus } from './delivery-result.ts';
export * from './webhook/index.ts';
export * from './email/index.ts';
export * from './line/index.ts';
export * from './mqtt/index.ts';
export * from './config.ts';
