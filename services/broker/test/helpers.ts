import { hashSecret, type Domain } from '@mueang/core';
import type { Device, DeviceStatus } from '@mueang/storage';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { Registry } from 'prom-client';
import { createBroker, type BrokerHandle, type BrokerOptions } from '../src/index.ts';

export const SERVICE = { username: 'svc-test', password: 'service-password-for-tests-0123456789' };

export function uid(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A registry in memory with the shape of the StateStore's device lookup. */
export class MemoryRegistry {
  readonly devices = new Map<string, Device>();
  lookups = 0;

  async getDevice(id: string): Promise<Device | null> {
    this.lookups++;
    const device = this.devices.get(id);
    return device ? { ...device } : null;
  }

  async add(options: { city: string; domain?: Domain; id?: string; secret?: string; status?: DeviceStatus }): Promise<{ device: Device; secret: string }> {
    const secret = options.secret ?? randomBytes(18).toString('base64url');
    const now = Date.now();
    const device: Device = {
      id: options.id ?? uid('dev'),
      cityId: options.city,
      siteId: `${options.city}-site`,
      domain: options.domain ?? 'air',
      kind: 'aq-station',
      name: null,
      status: options.status ?? 'active',
      secretHash: await hashSecret(secret),
      createdAt: now,
      updatedAt: now,
    };
    this.devices.set(device.id, device);
    return { device, secret };
  }

  async rotate(id: string, secret: string): Promise<void> {
    const device = this.devices.get(id);
    if (!device) throw new Error(`no device ${id}`);
    this.devices.set(id, { ...device, secretHash: await hashSecret(secret), updatedAt: Date.now() });
  }

  revoke(id: string): void {
    const device = this.devices.get(id);
    if (!device) throw new Error(`no device ${id}`);
    this.devices.set(id, { ...device, status: 'revoked', updatedAt: Date.now() });
  }
}

export function startBroker(registry: MemoryRegistry, overrides: Partial<BrokerOptions> = {}): Promise<BrokerHandle> {
  return createBroker({
    registry,
    serviceAccounts: [SERVICE],
    host: '127.0.0.1',
    mqttPort: 0,
    // most suites log in wrongly on purpose; the limiter has its own test
    loginLimit: { maxFailures: 10_000 },
    logger: pino({ level: process.env.BROKER_TEST_LOG_LEVEL ?? 'silent' }),
    ...overrides,
  });
}

// a login is a scrypt verification in libuv's pool: under a loaded full test run CONNACK has taken more than 5 s
const base: IClientOptions = { reconnectPeriod: 0, connectTimeout: 20_000, protocolVersion: 4 };

export function connect(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(url, { ...base, clientId: uid('c'), ...options }, false);
}

export function connectService(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  return connect(url, { username: SERVICE.username, password: SERVICE.password, ...options });
}

/** connect with an inbox attached before CONNACK (a persistent session delivers right after it) */
export function connectWithInbox(url: string, options: IClientOptions = {}): Promise<{ client: MqttClient; inbox: Inbox }> {
  const client = mqtt.connect(url, { ...base, clientId: uid('c'), ...options });
  const inbox = new Inbox(client);
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve({ client, inbox }));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
  });
}

/** connect and expect a refusal; resolves to the CONNACK return code */
export async function connackCode(url: string, options: IClientOptions): Promise<number> {
  try {
    const client = await connect(url, options);
    await client.endAsync();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    throw err;
  }
  throw new Error('the connection was accepted; expected a refusal');
}

export interface Received {
  topic: string;
  payload: string;
  retain: boolean;
}

/** Collects every message a client receives. */
export class Inbox {
  readonly messages: Received[] = [];
  private waiters: Array<() => void> = [];

  constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      this.messages.push({ topic, payload: payload.toString('utf8'), retain: packet.retain });
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** resolves with the first message matching `predicate` (already received or arriving) */
  async waitFor(predicate: (m: Received) => boolean, what: string, timeoutMs = 5000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; received: ${JSON.stringify(this.messages.map((m) => m.topic))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  on(topic: string): Received[] {
    return this.messages.filter((m) => m.topic === topic);
  }
}

/**
 * Proves that nothing else is in flight: publishes a marker as the service and waits until the
 * inbox has it. Messages are delivered in order, so anything published before arrived first.
 */
export async function flushWithMarker(publisher: MqttClient, inbox: Inbox, topic: string): Promise<void> {
  const marker = uid('marker');
  await publisher.publishAsync(topic, marker, { qos: 1 });
  await inbox.waitFor((m) => m.topic === topic && m.payload === marker, `marker on ${topic}`);
}

export function runCommand(cmd: string, args: string[], timeoutMs = 10_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function mosquittoPub(port: number, args: { user: string; password: string; topic: string; message: string; retain?: boolean }) {
  return runCommand('mosquitto_pub', [
    '-h', '127.0.0.1', '-p', String(port), '-u', args.user, '-P', args.password,
    '-t', args.topic, '-m', args.message, '-q', '1', ...(args.retain ? ['-r'] : []),
  ]);
}

export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`metric ${name} is not registered`);
  const data = await metric.get();
  const match = data.values.find((v) => Object.entries(labels).every(([k, val]) => String(v.labels[k]) === val));
  return match?.value ?? 0;
}

/** wait until the socket is gone (the broker closed it) */
export function waitForClose(client: MqttClient, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!client.connected) return resolve();
    const timer = setTimeout(() => reject(new Error('the broker did not close the connection')), timeoutMs);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** SUBSCRIBE and return the granted code per filter (128 = refused); mqtt.js rejects on any 128 */
export async function subscribeGranted(client: MqttClient, filters: string[], qos: 0 | 1 = 1): Promise<number[]> {
  try {
    const granted = await client.subscribeAsync(filters, { qos });
    return granted.map((g) => g.qos);
  } catch (err) {
    const packet = (err as { packet?: { granted?: number[] } }).packet;
    if (packet?.granted) return packet.granted;
    throw err;
  }
}
