import { DOMAINS, isDomain, type Domain } from './types.ts';

/** Topic contract (DESIGN.md): v1/{city}/{domain}/{deviceId}/{telemetry|status}, v1/{city}/alerts/{alertId}. */
export const TOPIC_VERSION = 'v1';
export const DEVICE_CHANNELS = ['telemetry', 'status'] as const;
export type DeviceChannel = (typeof DEVICE_CHANNELS)[number];

/** ids: lowercase letters, digits, '-' and '_', 1-64 chars, starting with a letter or digit */
const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function isValidId(value: string): boolean {
  return ID_PATTERN.test(value);
}

export interface DeviceTopic {
  city: string;
  domain: Domain;
  deviceId: string;
  channel: DeviceChannel;
}

export class TopicError extends Error {
  constructor(
    readonly code: 'topic.malformed' | 'topic.version' | 'topic.domain' | 'topic.id' | 'topic.channel',
    message: string,
  ) {
    super(message);
    this.name = 'TopicError';
  }
}

/** Parse a device topic; throws TopicError saying which segment is wrong and what is expected. */
export function parseDeviceTopic(topic: string): DeviceTopic {
  const parts = topic.split('/');
  if (parts.length !== 5) {
    throw new TopicError(
      'topic.malformed',
      `topic "${clip(topic)}" has ${parts.length} segments; expected v1/{city}/{domain}/{deviceId}/{telemetry|status}`,
    );
  }
  const [version, city, domain, deviceId, channel] = parts as [string, string, string, string, string];
  if (version !== TOPIC_VERSION) {
    throw new TopicError('topic.version', `topic must start with "${TOPIC_VERSION}/", got "${clip(version)}/"`);
  }
  if (!isValidId(city)) throw new TopicError('topic.id', `city id "${clip(city)}" is not a valid id (a-z, 0-9, - and _)`);
  if (!isDomain(domain)) {
    throw new TopicError('topic.domain', `domain "${clip(domain)}" is unknown; expected one of ${DOMAINS.join(', ')}`);
  }
  if (!isValidId(deviceId)) {
    throw new TopicError('topic.id', `device id "${clip(deviceId)}" is not a valid id (a-z, 0-9, - and _)`);
  }
  if (!(DEVICE_CHANNELS as readonly string[]).includes(channel)) {
    throw new TopicError('topic.channel', `channel "${clip(channel)}" is unknown; expected telemetry or status`);
  }
  return { city, domain, deviceId, channel: channel as DeviceChannel };
}

export function tryParseDeviceTopic(topic: string): DeviceTopic | null {
  try {
    return parseDeviceTopic(topic);
  } catch {
    return null;
  }
}

export function telemetryTopic(city: string, domain: Domain, deviceId: string): string {
  return `${TOPIC_VERSION}/${city}/${domain}/${deviceId}/telemetry`;
}

export function statusTopic(city: string, domain: Domain, deviceId: string): string {
  return `${TOPIC_VERSION}/${city}/${domain}/${deviceId}/status`;
}

/** the subtree a device owns: it may publish and subscribe only below this prefix */
export function deviceTopicPrefix(city: string, domain: Domain, deviceId: string): string {
  return `${TOPIC_VERSION}/${city}/${domain}/${deviceId}/`;
}

export function alertTopic(city: string, alertId: string): string {
  return `${TOPIC_VERSION}/${city}/alerts/${alertId}`;
}

/** subscription filter for every device's telemetry, optionally one city (ingest partitions by city) */
export function telemetryFilter(city?: string): string {
  return `${TOPIC_VERSION}/${city ?? '+'}/+/+/telemetry`;
}

export function statusFilter(city?: string): string {
  return `${TOPIC_VERSION}/${city ?? '+'}/+/+/status`;
}

function clip(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/**
 * Registry changes (device secret rotated, device revoked or updated) are announced on MQTT so that
 * the broker and ingest, in whatever process they run, drop cached entries at once. Only service
 * accounts may publish or subscribe here (devices are confined to their own v1/ prefix).
 */
export const REGISTRY_EVENTS_PREFIX = 'mueang/registry/devices/';
export const REGISTRY_EVENTS_FILTER = `${REGISTRY_EVENTS_PREFIX}+`;
export type RegistryAction = 'rotated' | 'revoked' | 'updated' | 'deleted';
export interface RegistryEvent {
  action: RegistryAction;
  deviceId: string;
  at: number;
}

export function registryEventTopic(deviceId: string): string {
  return `${REGISTRY_EVENTS_PREFIX}${deviceId}`;
}

/** the device id of a registry event topic, or null when the topic is not one */
export function parseRegistryEventTopic(topic: string): string | null {
  if (!topic.startsWith(REGISTRY_EVENTS_PREFIX)) return null;
  const id = topic.slice(REGISTRY_EVENTS_PREFIX.length);
  return isValidId(id) ? id : null;
}
