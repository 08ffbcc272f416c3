import type { Domain } from '@mueang/core';
import type { Device, StateStore } from '@mueang/storage';
import { ApiError } from '../../errors.ts';

export interface TagFilterInput {
  device?: string | undefined;
  site?: string | undefined;
}

/**
 * Checks that the device/site named in a query belong to the city (and the device to the
 * domain), so that a typo is a clear 4xx instead of an empty answer.
 */
export async function checkTagFilter(state: StateStore, cityId: string, filter: TagFilterInput, domain?: Domain): Promise<{ device?: Device }> {
  let device: Device | undefined;
  if (filter.device !== undefined) {
    const found = await state.getDevice(filter.device);
    if (!found || found.cityId !== cityId) throw ApiError.notFound(`No device "${filter.device}" in city "${cityId}"; list them with GET /v1/cities/${cityId}/devices.`);
    if (domain && found.domain !== domain) throw ApiError.invalidParameter('query.domain', `device "${found.id}" is a ${found.domain} device; use domain=${found.domain}`);
    device = found;
  }
  if (filter.site !== undefined) {
    const site = await state.getSite(filter.site);
    if (!site || site.cityId !== cityId) throw ApiError.notFound(`No site "${filter.site}" in city "${cityId}"; list them with GET /v1/cities/${cityId}/sites.`);
    if (device && device.siteId !== site.id) throw ApiError.invalidParameter('query.site', `device "${device.id}" is at site "${device.siteId}", not "${site.id}"`);
  }
  return device ? { device } : {};
}

export function tagFilter(filter: TagFilterInput): { device?: string; site?: string } {
  return { ...(filter.device ? { device: filter.device } : {}), ...(filter.site ? { site: filter.site } : {}) };
}
