import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { SimDevice } from './types.ts';

/** One device's MQTT connection: username = device id, password = its secret, QoS 1 publishes. */

export interface LinkOptions {
  url: string;
  /** default 1000 ms; 0 turns reconnecting off */
  reconnectPeriodMs?: number;
  connectTimeoutMs?: number;
  keepaliveSeconds?: number;
}

const REFUSALS: Record<number, string> = {
  1: 'unacceptable protocol version',
  2: 'client id rejected',
  3: 'server unavailable',
  4: 'bad username or password',
  5: 'not authorized',
};

/** why a connection attempt failed, in words an operator can act on */
export function describeConnectError(err: Error & { code?: unknown }): string {
  const code = typeof err.code === 'number' ? err.code : undefined;
  if (code === 4 || code === 5 || code === 134 || code === 135) {
    return `the broker refused the credentials (${REFUSALS[code] ?? `reason code ${code}`}); provision the device, or use the secrets from the provisioning output (--credentials)`;
  }
  if (code !== undefined && REFUSALS[code]) return `the broker refused the connection: ${REFUSALS[code]}`;
  return err.message;
}

export function isRefusal(err: Error & { code?: unknown }): boolean {
  return typeof err.code === 'number' && err.code > 0 && err.code < 256;
}

export function connectDevice(device: Pick<SimDevice, 'id' | 'secret'>, options: LinkOptions, override: { password?: string; clientId?: string } = {}): MqttClient {
  const clientOptions: IClientOptions = {
    clientId: override.clientId ?? device.id,
    username: device.id,
    password: override.password ?? device.secret,
    clean: true,
    protocolVersion: 4,
    reconnectPeriod: options.reconnectPeriodMs ?? 1000,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    keepalive: options.keepaliveSeconds ?? 60,
  };
  return mqtt.connect(options.url, clientOptions);
}

/** resolves at the first CONNACK accepted; rejects on a refusal, a transport error before it, or the timeout */
export function waitConnected(client: MqttClient, timeoutMs: number): Promise<void> {
  if (client.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no connection within ${timeoutMs} ms; is the broker running at that address?`)), timeoutMs);
    const onConnect = () => finish(null);
    const onError = (err: Error) => finish(err);
    function finish(err: Error | null) {
      clearTimeout(timer);
      client.off('connect', onConnect);
      client.off('error', onError);
      if (err) reject(err);
      else resolve();
    }
    client.on('connect', onConnect);
    client.on('error', onError);
  });
}

/** publish at QoS 1; resolves at the PUBACK */
export function publishQos1(client: MqttClient, topic: string, payload: string): Promise<void> {
  return new Promise((resolve, reject) => {
    client.publish(topic, payload, { qos: 1 }, (err) => (err ? reject(err) : resolve()));
  });
}

export function closeClient(client: MqttClient, force = false): Promise<void> {
  return new Promise((resolve) => client.end(force, {}, () => resolve()));
}

/**
 * Try to log in as a device with a wrong secret. 'refused' is what a correctly configured
 * broker answers; 'accepted' means the broker let the impostor in.
 */
export async function attemptBadLogin(url: string, deviceId: string, timeoutMs = 5000): Promise<'refused' | 'accepted' | 'error'> {
  // its own client id: a second connection with the device's id would kick the real device off the broker
  const clientId = `${deviceId}-x${Math.random().toString(36).slice(2, 8)}`;
  const client = connectDevice({ id: deviceId, secret: 'not-the-secret' }, { url, reconnectPeriodMs: 0, connectTimeoutMs: timeoutMs }, { clientId });
  try {
    await waitConnected(client, timeoutMs);
    return 'accepted';
  } catch (err) {
    return isRefusal(err as Error & { code?: unknown }) ? 'refused' : 'error';
  } finally {
    await closeClient(client, true);
  }
}
