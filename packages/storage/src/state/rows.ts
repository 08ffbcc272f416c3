import type { Domain } from '@mueang/core';
import type { ApiKey, City, Device, DeviceStatus, Role, Site } from '../state-store.ts';

/** Rows as the drivers return them (type-parsers.ts: timestamps are already epoch ms). */
export interface CityRow {
  id: string;
  name: string;
  name_th: string | null;
  province: string | null;
  timezone: string;
  public_data: boolean;
  created_at: number;
}

export interface SiteRow {
  id: string;
  city_id: string;
  name: string;
  name_th: string | null;
  lat: number | null;
  lon: number | null;
  kind: string | null;
  water_class: number | null;
  created_at: number;
}

export interface DeviceRow {
  id: string;
  city_id: string;
  site_id: string;
  domain: string;
  kind: string;
  name: string | null;
  status: string;
  secret_hash: string | null;
  created_at: number;
  updated_at: number;
}

export interface ApiKeyRow {
  id: string;
  name: string;
  key_hash: string;
  role: string;
  city_id: string | null;
  created_at: number;
  revoked_at: number | null;
}

export function cityFromRow(row: CityRow): City {
  return {
    id: row.id,
    name: row.name,
    nameTh: row.name_th,
    province: row.province,
    timezone: row.timezone,
    publicData: row.public_data,
    createdAt: row.created_at,
  };
}

export function siteFromRow(row: SiteRow): Site {
  return {
    id: row.id,
    cityId: row.city_id,
    name: row.name,
    nameTh: row.name_th,
    lat: row.lat,
    lon: row.lon,
    kind: row.kind,
    waterClass: row.water_class,
    createdAt: row.created_at,
  };
}

export function deviceFromRow(row: DeviceRow): Device {
  return {
    id: row.id,
    cityId: row.city_id,
    siteId: row.site_id,
    // the schema's CHECK constraints hold these to the union types
    domain: row.domain as Domain,
    kind: row.kind,
    name: row.name,
    status: row.status as DeviceStatus,
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function apiKeyFromRow(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    keyHash: row.key_hash,
    role: row.role as Role,
    cityId: row.city_id,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}
