import { deviceTopicPrefix, statusTopic, telemetryTopic, type Domain } from '@mueang/core';
import type { Device } from '@mueang/storage';
import type { Client } from 'aedes';

/** Who an authenticated MQTT connection acts for. */
export type Principal = DevicePrincipal | ServicePrincipal;

export interface DevicePrincipal {
  kind: 'device';
  deviceId: string;
  city: string;
  domain: Domain;
  /** v1/{city}/{domain}/{deviceId}/ : the subtree the device owns */
  prefix: string;
  telemetryTopic: string;
  statusTopic: string;
}

/** A platform service (ingest, alerts, ...): full access except publishing to $SYS. */
export interface ServicePrincipal {
  kind: 'service';
  username: string;
}

export function devicePrincipal(device: Pick<Device, 'id' | 'cityId' | 'domain'>): DevicePrincipal {
  return {
    kind: 'device',
    deviceId: device.id,
    city: device.cityId,
    domain: device.domain,
    prefix: deviceTopicPrefix(device.cityId, device.domain, device.id),
    telemetryTopic: telemetryTopic(device.cityId, device.domain, device.id),
    statusTopic: statusTopic(device.cityId, device.domain, device.id),
  };
}

/** A stable identity key: two connections with the same key are the same principal. */
export function principalKey(principal: Principal): string {
  return principal.kind === 'device' ? `device:${principal.deviceId}` : `service:${principal.username}`;
}

/** Principals of the connections this broker authenticated (weakly held: gone with the client). */
export class Principals {
  private readonly byClient = new WeakMap<Client, Principal>();

  set(client: Client, principal: Principal): void {
    this.byClient.set(client, principal);
  }

  get(client: Client | null | undefined): Principal | undefined {
    return client ? this.byClient.get(client) : undefined;
  }
}
