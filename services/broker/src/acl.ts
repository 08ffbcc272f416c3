import type { Principal } from './principal.ts';

/**
 * Topic access rules (DESIGN.md "Topics"):
 * - a device publishes only to its own telemetry and status topics, and subscribes only to
 *   filters inside its own prefix v1/{city}/{domain}/{deviceId}/ (wildcards are fine there);
 * - a service account publishes and subscribes anywhere, except publishing to $SYS;
 * - nobody keeps a retained message on a telemetry topic (see retainAllowed).
 */
export type PublishRefusal = 'sys_topic' | 'not_own_topic';
export type SubscribeRefusal = 'sys_topic' | 'outside_own_prefix';

const SYS_PREFIX = '$SYS';

function isSysTopic(topic: string): boolean {
  return topic === SYS_PREFIX || topic.startsWith(`${SYS_PREFIX}/`);
}

export function publishRefusal(principal: Principal, topic: string): PublishRefusal | null {
  if (isSysTopic(topic)) return 'sys_topic';
  if (principal.kind === 'service') return null;
  return topic === principal.telemetryTopic || topic === principal.statusTopic ? null : 'not_own_topic';
}

export function subscribeRefusal(principal: Principal, filter: string): SubscribeRefusal | null {
  if (principal.kind === 'service') return null;
  if (filter.startsWith('$')) return 'sys_topic';
  // the prefix has no wildcards and ends with '/', so any filter that starts with it stays inside it
  return filter.startsWith(principal.prefix) ? null : 'outside_own_prefix';
}

/** Whether a message on `topic` may be delivered to a connection of `principal`. */
export function forwardAllowed(principal: Principal, topic: string): boolean {
  return principal.kind === 'service' || topic.startsWith(principal.prefix);
}

/**
 * Telemetry is a stream, not a state: a retained reading would be replayed to every new
 * subscriber (ingest after a restart) as if it were new. Status topics are retained on purpose.
 */
export function isTelemetryTopic(topic: string): boolean {
  return topic.startsWith('v1/') && topic.endsWith('/telemetry');
}
