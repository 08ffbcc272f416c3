import type { City, Device, Site } from '@mueang/storage';
import { iso } from '../../data/format.ts';

/** Registry records as the API shows them: the secret hash never leaves, only whether one is set. */
export function cityOut(city: City) {
  return { id: city.id, name: city.name, nameTh: city.nameTh, province: city.province, timezone: city.timezone, publicData: city.publicData, createdAt: iso(city.createdAt) };
}

export function siteOut(site: Site) {
  return { id: site.id, cityId: site.cityId, name: site.name, nameTh: site.nameTh, lat: site.lat, lon: site.lon, kind: site.kind, waterClass: site.waterClass, createdAt: iso(site.createdAt) };
}

export function deviceOut(device: Device) {
  return {
    id: device.id,
    cityId: device.cityId,
    siteId: device.siteId,
    domain: device.domain,
    kind: device.kind,
    name: device.name,
    status: device.status,
    hasCredentials: device.secretHash !== null,
    createdAt: iso(device.createdAt),
    updatedAt: iso(device.updatedAt),
  };
}
