import { hashSecret, verifySecret } from '@mueang/core';
import type { StateStore } from '@mueang/storage';
import type { Fleet } from './types.ts';

export interface DeviceCredential {
  deviceId: string;
  secret: string;
}

export interface ProvisionResult {
  cities: number;
  sites: number;
  devices: number;
  /** devices whose secret hash was written now (new, or the stored hash did not match) */
  secretsWritten: number;
  /** every device's MQTT credentials: username = deviceId, password = secret */
  credentials: DeviceCredential[];
}

export interface ProvisionOptions {
  /** scrypt runs in libuv's thread pool; this many hashes at a time (default 4) */
  concurrency?: number;
}

/**
 * Write the fleet's cities, sites and devices into the registry, secrets hashed with scrypt.
 * Idempotent: running it again updates the same rows, and keeps a stored hash that already
 * matches the device's secret (so existing broker sessions stay valid); revoked devices stay
 * revoked (the status is not touched).
 */
export async function provisionFleet(store: StateStore, fleet: Fleet, options: ProvisionOptions = {}): Promise<ProvisionResult> {
  for (const city of fleet.cities) {
    await store.upsertCity({ id: city.id, name: city.name, nameTh: city.nameTh, province: city.province, timezone: 'Asia/Bangkok' });
  }
  for (const site of fleet.sites) {
    await store.upsertSite({
      id: site.id,
      cityId: site.cityId,
      name: site.name,
      nameTh: site.nameTh,
      lat: site.lat,
      lon: site.lon,
      kind: site.kind,
      waterClass: site.waterClass,
    });
  }
  let secretsWritten = 0;
  let next = 0;
  const provisionNext = async (): Promise<void> => {
    while (next < fleet.devices.length) {
      const device = fleet.devices[next++]!;
      const existing = await store.getDevice(device.id);
      const keep = existing?.secretHash ? await verifySecret(device.secret, existing.secretHash) : false;
      const secretHash = keep ? undefined : await hashSecret(device.secret);
      await store.upsertDevice({
        id: device.id,
        cityId: device.cityId,
        siteId: device.siteId,
        domain: device.domain,
        kind: device.kind,
        name: device.name,
        ...(secretHash !== undefined ? { secretHash } : {}),
      });
      if (secretHash !== undefined) secretsWritten++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, provisionNext));
  return {
    cities: fleet.cities.length,
    sites: fleet.sites.length,
    devices: fleet.devices.length,
    secretsWritten,
    credentials: fleet.devices.map((d) => ({ deviceId: d.id, secret: d.secret })),
  };
}
