import type { Domain } from '@mueang/core';

/** The smallest SQL surface both drivers (pg, PGlite) offer; PostgreSQL dialect, $1 placeholders. */
export interface SqlDriver {
  readonly kind: 'postgres' | 'pglite';
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** run several statements without parameters (migrations) */
  exec(sql: string): Promise<void>;
  transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface City {
  id: string;
  name: string;
  nameTh: string | null;
  province: string | null;
  timezone: string;
  /** opt-in to the public open-data API */
  publicData: boolean;
  createdAt: number;
}

export interface Site {
  id: string;
  cityId: string;
  name: string;
  nameTh: string | null;
  lat: number | null;
  lon: number | null;
  /** e.g. 'roadside', 'residential', 'river', 'building'; free text */
  kind: string | null;
  /** assigned surface-water class (1-5) for water sites */
  waterClass: number | null;
  createdAt: number;
}

export type DeviceStatus = 'active' | 'revoked';

export interface Device {
  id: string;
  cityId: string;
  siteId: string;
  domain: Domain;
  /** model or kind, e.g. 'aq-station', 'sonde', 'smart-meter', 'bin-sensor' */
  kind: string;
  name: string | null;
  status: DeviceStatus;
  /** scrypt hash of the MQTT secret; never returned by the API, never logged */
  secretHash: string | null;
  createdAt: number;
  updatedAt: number;
}

export type Role = 'admin' | 'operator' | 'viewer';

export interface ApiKey {
  id: string;
  name: string;
  /** sha-256 of the key; the key itself is shown once at creation */
  keyHash: string;
  role: Role;
  /** null = all cities */
  cityId: string | null;
  createdAt: number;
  revokedAt: number | null;
}

export type NewCity = Omit<City, 'createdAt' | 'nameTh' | 'province' | 'timezone' | 'publicData'> &
  Partial<Pick<City, 'nameTh' | 'province' | 'timezone' | 'publicData'>>;
export type NewSite = Omit<Site, 'createdAt' | 'nameTh' | 'lat' | 'lon' | 'kind' | 'waterClass'> &
  Partial<Pick<Site, 'nameTh' | 'lat' | 'lon' | 'kind' | 'waterClass'>>;
export type NewDevice = Omit<Device, 'createdAt' | 'updatedAt' | 'status' | 'name' | 'secretHash'> &
  Partial<Pick<Device, 'status' | 'name' | 'secretHash'>>;

/**
 * Registry and platform state in one PostgreSQL-dialect schema with ordered migrations.
 * Upserts are keyed by id. Lists are ordered by id.
 */
export interface StateStore {
  readonly driver: SqlDriver;
  /** apply pending migrations (idempotent); returns the ids applied now */
  migrate(): Promise<string[]>;

  upsertCity(city: NewCity): Promise<City>;
  getCity(id: string): Promise<City | null>;
  listCities(): Promise<City[]>;

  upsertSite(site: NewSite): Promise<Site>;
  getSite(id: string): Promise<Site | null>;
  listSites(filter?: { cityId?: string }): Promise<Site[]>;

  upsertDevice(device: NewDevice): Promise<Device>;
  getDevice(id: string): Promise<Device | null>;
  listDevices(filter?: { cityId?: string; siteId?: string; domain?: Domain; status?: DeviceStatus }): Promise<Device[]>;
  setDeviceSecretHash(id: string, secretHash: string): Promise<void>;
  setDeviceStatus(id: string, status: DeviceStatus): Promise<void>;

  createApiKey(key: Omit<ApiKey, 'createdAt' | 'revokedAt'>): Promise<ApiKey>;
  findApiKeyByHash(keyHash: string): Promise<ApiKey | null>;
  listApiKeys(): Promise<ApiKey[]>;
  revokeApiKey(id: string): Promise<void>;

  close(): Promise<void>;
}
