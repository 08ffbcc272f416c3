import type { Domain } from '@mueang/core';
import type { ApiKey, City, Device, DeviceStatus, NewCity, NewDevice, NewSite, Site, SqlDriver, StateStore } from '../state-store.ts';
import { SQLSTATE, StateStoreError, isPostgresError, type PostgresErrorFields } from './errors.ts';
import { migrate } from './migrate.ts';
import type { Migration } from './migration.ts';
import { MIGRATIONS } from './migrations.ts';
import { apiKeyFromRow, cityFromRow, deviceFromRow, siteFromRow, type ApiKeyRow, type CityRow, type DeviceRow, type SiteRow } from './rows.ts';
import * as v from './validate.ts';

export interface SqlStateStoreOptions {
  /** the schema steps migrate() applies (default MIGRATIONS) */
  migrations?: readonly Migration[];
}

/**
 * StateStore over any SqlDriver (PostgreSQL through `pg`, or PGlite).
 *
 * Upserts are keyed by id. A field left undefined keeps its stored value on update (and takes
 * its default on insert); null clears it. So re-registering a device without `secretHash` or
 * `status` does not wipe its credential or revive a revoked device. createdAt never changes;
 * a device's updatedAt moves on every change.
 *
 * Bind the store to a transaction with `new SqlStateStore(tx)` to combine its writes with others.
 */
export class SqlStateStore implements StateStore {
  readonly #migrations: readonly Migration[];

  constructor(
    readonly driver: SqlDriver,
    options: SqlStateStoreOptions = {},
  ) {
    this.#migrations = options.migrations ?? MIGRATIONS;
  }

  migrate(): Promise<string[]> {
    return migrate(this.driver, this.#migrations);
  }

  // ---- cities

  async upsertCity(input: NewCity): Promise<City> {
    const city = v.requireRecord(input, 'city');
    const id = v.requireId(city.id, 'city.id');
    const columns = {
      id,
      name: v.requireName(city.name, 'city.name'),
      name_th: v.optionalText(city.nameTh, 'city.nameTh'),
      province: v.optionalText(city.province, 'city.province'),
      timezone: v.optionalTimezone(city.timezone, 'city.timezone'),
      public_data: v.optionalBoolean(city.publicData, 'city.publicData'),
    };
    try {
      const [row] = await this.write((tx) => upsertRow<CityRow>(tx, 'cities', columns));
      return cityFromRow(row!);
    } catch (err) {
      throw constraintError(err, `city "${id}"`);
    }
  }

  async getCity(id: string): Promise<City | null> {
    const [row] = await this.driver.query<CityRow>('SELECT * FROM cities WHERE id = $1', [id]);
    return row ? cityFromRow(row) : null;
  }

  async listCities(): Promise<City[]> {
    const rows = await this.driver.query<CityRow>('SELECT * FROM cities ORDER BY id COLLATE "C"');
    return rows.map(cityFromRow);
  }

  // ---- sites

  async upsertSite(input: NewSite): Promise<Site> {
    const site = v.requireRecord(input, 'site');
    const id = v.requireId(site.id, 'site.id');
    const cityId = v.requireId(site.cityId, 'site.cityId');
    const coordinates = v.optionalCoordinates(site.lat, site.lon);
    const columns = {
      id,
      city_id: cityId,
      name: v.requireName(site.name, 'site.name'),
      name_th: v.optionalText(site.nameTh, 'site.nameTh'),
      lat: coordinates.lat,
      lon: coordinates.lon,
      kind: v.optionalText(site.kind, 'site.kind'),
      water_class: v.optionalWaterClass(site.waterClass),
    };
    try {
      const [row] = await this.write((tx) => upsertRow<SiteRow>(tx, 'sites', columns));
      return siteFromRow(row!);
    } catch (err) {
      throw await this.explainSiteError(err, id, cityId);
    }
  }

  async getSite(id: string): Promise<Site | null> {
    const [row] = await this.driver.query<SiteRow>('SELECT * FROM sites WHERE id = $1', [id]);
    return row ? siteFromRow(row) : null;
  }

  async listSites(filter: { cityId?: string } = {}): Promise<Site[]> {
    const where = new Where();
    if (filter.cityId !== undefined) where.add('city_id', filter.cityId);
    const rows = await this.driver.query<SiteRow>(`SELECT * FROM sites${where.sql()} ORDER BY id COLLATE "C"`, where.params);
    return rows.map(siteFromRow);
  }

  // ---- devices

  async upsertDevice(input: NewDevice): Promise<Device> {
    const device = v.requireRecord(input, 'device');
    const id = v.requireId(device.id, 'device.id');
    const cityId = v.requireId(device.cityId, 'device.cityId');
    const siteId = v.requireId(device.siteId, 'device.siteId');
    const columns = {
      id,
      city_id: cityId,
      site_id: siteId,
      domain: v.requireDomain(device.domain, 'device.domain'),
      kind: v.requireName(device.kind, 'device.kind'),
      name: v.optionalText(device.name, 'device.name'),
      status: device.status === undefined ? undefined : v.requireStatus(device.status, 'device.status'),
      secret_hash: v.optionalSecretHash(device.secretHash),
    };
    try {
      const [row] = await this.write((tx) => upsertRow<DeviceRow>(tx, 'devices', columns, ['updated_at = now()']));
      return deviceFromRow(row!);
    } catch (err) {
      throw await this.explainDeviceError(err, id, cityId, siteId);
    }
  }

  async getDevice(id: string): Promise<Device | null> {
    const [row] = await this.driver.query<DeviceRow>('SELECT * FROM devices WHERE id = $1', [id]);
    return row ? deviceFromRow(row) : null;
  }

  async listDevices(filter: { cityId?: string; siteId?: string; domain?: Domain; status?: DeviceStatus } = {}): Promise<Device[]> {
    const where = new Where();
    if (filter.cityId !== undefined) where.add('city_id', filter.cityId);
    if (filter.siteId !== undefined) where.add('site_id', filter.siteId);
    if (filter.domain !== undefined) where.add('domain', v.requireDomain(filter.domain, 'filter.domain'));
    if (filter.status !== undefined) where.add('status', v.requireStatus(filter.status, 'filter.status'));
    const rows = await this.driver.query<DeviceRow>(`SELECT * FROM devices${where.sql()} ORDER BY id COLLATE "C"`, where.params);
    return rows.map(deviceFromRow);
  }

  async setDeviceSecretHash(id: string, secretHash: string): Promise<void> {
    const hash = v.requireSecretHash(secretHash);
    const rows = await this.driver.query('UPDATE devices SET secret_hash = $2, updated_at = now() WHERE id = $1 RETURNING id', [id, hash]);
    if (rows.length === 0) throw deviceNotFound(id);
  }

  async setDeviceStatus(id: string, status: DeviceStatus): Promise<void> {
    const checked = v.requireStatus(status);
    const rows = await this.driver.query('UPDATE devices SET status = $2, updated_at = now() WHERE id = $1 RETURNING id', [id, checked]);
    if (rows.length === 0) throw deviceNotFound(id);
  }

  // ---- API keys

  async createApiKey(input: Omit<ApiKey, 'createdAt' | 'revokedAt'>): Promise<ApiKey> {
    const key = v.requireRecord(input, 'apiKey');
    const id = v.requireId(key.id, 'apiKey.id');
    const cityId = key.cityId === undefined || key.cityId === null ? null : v.requireId(key.cityId, 'apiKey.cityId');
    const params = [id, v.requireName(key.name, 'apiKey.name'), v.requireKeyHash(key.keyHash), v.requireRole(key.role), cityId];
    try {
      const [row] = await this.write((tx) =>
        tx.query<ApiKeyRow>('INSERT INTO api_keys (id, name, key_hash, role, city_id) VALUES ($1, $2, $3, $4, $5) RETURNING *', params),
      );
      return apiKeyFromRow(row!);
    } catch (err) {
      throw explainApiKeyError(err, id, cityId);
    }
  }

  /** The key with this hash, revoked or not (check revokedAt), or null. */
  async findApiKeyByHash(keyHash: string): Promise<ApiKey | null> {
    if (!v.isKeyHash(keyHash)) return null;
    const [row] = await this.driver.query<ApiKeyRow>('SELECT * FROM api_keys WHERE key_hash = $1', [keyHash]);
    return row ? apiKeyFromRow(row) : null;
  }

  async listApiKeys(): Promise<ApiKey[]> {
    const rows = await this.driver.query<ApiKeyRow>('SELECT * FROM api_keys ORDER BY id COLLATE "C"');
    return rows.map(apiKeyFromRow);
  }

  /** Idempotent: revoking a revoked key keeps its first revokedAt. */
  async revokeApiKey(id: string): Promise<void> {
    const rows = await this.driver.query('UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING id', [id]);
    if (rows.length === 0) {
      throw new StateStoreError('api_key.not_found', `API key "${id}" does not exist; list the keys to find its id`, { apiKeyId: id });
    }
  }

  close(): Promise<void> {
    return this.driver.close();
  }

  // ---- helpers

  /**
   * A write in its own transaction (a savepoint when the store is bound to one): after a
   * constraint error the connection stays usable for the queries that explain the error.
   */
  private write<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T> {
    return this.driver.transaction(fn);
  }

  private async explainSiteError(err: unknown, siteId: string, cityId: string): Promise<unknown> {
    if (isPostgresError(err) && err.code === SQLSTATE.foreignKeyViolation) {
      if (err.constraint === 'sites_city_fk') {
        return new StateStoreError('city.not_found', `site "${siteId}" names city "${cityId}", which does not exist; create the city first or fix cityId`, { siteId, cityId });
      }
      if (err.constraint === 'devices_site_in_city_fk') {
        const devices = await this.driver.query<{ id: string; city_id: string }>(
          'SELECT id, city_id FROM devices WHERE site_id = $1 AND city_id <> $2 ORDER BY id COLLATE "C" LIMIT 3',
          [siteId, cityId],
        );
        const example = devices[0];
        return new StateStoreError(
          'site.has_devices',
          `site "${siteId}" cannot move to city "${cityId}": devices of city "${example?.city_id ?? '?'}" are at it (${devices.map((d) => `"${d.id}"`).join(', ')}); move those devices to another site first`,
          { siteId, cityId, deviceCityId: example?.city_id ?? null },
        );
      }
    }
    return constraintError(err, `site "${siteId}"`);
  }

  private async explainDeviceError(err: unknown, deviceId: string, cityId: string, siteId: string): Promise<unknown> {
    if (isPostgresError(err) && err.code === SQLSTATE.foreignKeyViolation && err.constraint === 'devices_site_in_city_fk') {
      const site = await this.getSite(siteId);
      if (!site) {
        return new StateStoreError('site.not_found', `device "${deviceId}" names site "${siteId}", which does not exist; create the site first or fix siteId`, { deviceId, siteId });
      }
      if (site.cityId !== cityId) {
        return new StateStoreError(
          'device.site_city_mismatch',
          `device "${deviceId}" is in city "${cityId}" but its site "${siteId}" belongs to city "${site.cityId}"; use cityId "${site.cityId}" or a site of city "${cityId}"`,
          { deviceId, siteId, cityId, siteCityId: site.cityId },
        );
      }
    }
    return constraintError(err, `device "${deviceId}"`);
  }
}

function explainApiKeyError(err: unknown, apiKeyId: string, cityId: string | null): unknown {
  if (isPostgresError(err)) {
    if (err.code === SQLSTATE.uniqueViolation && err.constraint === 'api_keys_pkey') {
      return new StateStoreError('api_key.exists', `API key "${apiKeyId}" exists already; choose another id (keys are not updated in place: revoke and create)`, { apiKeyId });
    }
    if (err.code === SQLSTATE.uniqueViolation && err.constraint === 'api_keys_key_hash_unique') {
      return new StateStoreError('api_key.exists', `API key "${apiKeyId}": another key has the same hash; generate a new key`, { apiKeyId });
    }
    if (err.code === SQLSTATE.foreignKeyViolation && err.constraint === 'api_keys_city_fk') {
      return new StateStoreError('city.not_found', `API key "${apiKeyId}" is scoped to city "${cityId}", which does not exist; create the city or use null for all cities`, { apiKeyId, cityId });
    }
  }
  return constraintError(err, `API key "${apiKeyId}"`);
}

function deviceNotFound(deviceId: string): StateStoreError {
  return new StateStoreError('device.not_found', `device "${deviceId}" does not exist; register it first (upsertDevice)`, { deviceId });
}

/** any integrity error (SQLSTATE class 23) not explained above; other errors pass unchanged */
function constraintError(err: unknown, what: string): unknown {
  if (!isPostgresError(err) || !err.code.startsWith('23')) return err;
  const fields = err as PostgresErrorFields;
  const constraint = fields.constraint ?? null;
  return new StateStoreError(
    'constraint.violated',
    `${what} was refused by the database${constraint ? ` (constraint ${constraint})` : ''}: ${err.message}${fields.detail ? ` (${fields.detail})` : ''}`,
    { constraint },
    { cause: err },
  );
}

/** INSERT ... ON CONFLICT (id) DO UPDATE of the defined columns; undefined ones keep their value. */
function upsertRow<T>(tx: SqlDriver, table: string, values: Record<string, unknown>, extraUpdates: string[] = []): Promise<T[]> {
  const columns = Object.keys(values).filter((column) => values[column] !== undefined);
  const placeholders = columns.map((_, i) => `$${i + 1}`);
  const updates = columns.filter((column) => column !== 'id').map((column) => `${column} = EXCLUDED.${column}`);
  const sql =
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders.join(', ')}) ` +
    `ON CONFLICT (id) DO UPDATE SET ${[...updates, ...extraUpdates].join(', ')} RETURNING *`;
  return tx.query<T>(
    sql,
    columns.map((column) => values[column]),
  );
}

/** AND-ed equality conditions with $n parameters; column names come from this file only */
class Where {
  readonly params: unknown[] = [];
  readonly #conditions: string[] = [];

  add(column: string, value: unknown): void {
    this.params.push(value);
    this.#conditions.push(`${column} = $${this.params.length}`);
  }

  sql(): string {
    return this.#conditions.length === 0 ? '' : ` WHERE ${this.#conditions.join(' AND ')}`;
  }
}
