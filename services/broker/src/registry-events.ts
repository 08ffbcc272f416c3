import { REGISTRY_EVENTS_FILTER, parseRegistryEventTopic, type RegistryAction } from '@mueang/core';
import type { Aedes } from 'aedes';
import type { Logger } from 'pino';

export interface RegistryEventTargets {
  invalidateDevice(deviceId: string): void;
  disconnectDevice(deviceId: string): Promise<number>;
}

const DISCONNECTING: ReadonlySet<RegistryAction> = new Set(['rotated', 'revoked', 'deleted']);

/**
 * Honour registry changes announced on `mueang/registry/devices/{id}` (published by the API with a
 * service account, from any process): forget the cached device and its verified secrets, and close
 * its connections when its secret or status changed, so the change takes effect at once.
 */
export function listenForRegistryEvents(aedes: Aedes, targets: RegistryEventTargets, log: Logger): Promise<void> {
  return new Promise((resolve) => {
    aedes.subscribe(
      REGISTRY_EVENTS_FILTER,
      (packet, callback) => {
        const deviceId = parseRegistryEventTopic(packet.topic);
        if (!deviceId) {
          callback();
          return;
        }
        let action: RegistryAction = 'updated';
        try {
          const body = JSON.parse(packet.payload.toString()) as { action?: unknown };
          if (body.action === 'rotated' || body.action === 'revoked' || body.action === 'deleted') action = body.action;
        } catch {
          // an unreadable body still means "something changed": invalidate
        }
        targets.invalidateDevice(deviceId);
        log.info({ deviceId, action }, 'registry change received; device cache dropped');
        if (DISCONNECTING.has(action)) {
          targets.disconnectDevice(deviceId).then(
            () => callback(),
            (err: unknown) => {
              log.warn({ err, deviceId }, 'could not disconnect device after a registry change');
              callback();
            },
          );
        } else callback();
      },
      () => resolve(),
    );
  });
}
