import { describe, expect, it } from 'vitest';
import { describeStore, readEnv, storeVars, telemetryStoreConfig } from '../src/env.ts';

describe('telemetry store from the environment', () => {
  it('uses the embedded DuckDB without INFLUX_URL', () => {
    const env = readEnv(storeVars, { DATA_DIR: '/srv/mueang' });
    expect(telemetryStoreConfig(env)).toEqual({ kind: 'duckdb', path: '/srv/mueang/telemetry.duckdb' });
  });

  it('puts rollups in INFLUX_ROLLUP_RETENTION_POLICY when it is set, and nowhere special when it is empty', () => {
    const base = { INFLUX_URL: 'http://influx:8086', INFLUX_DATABASE: 'city', INFLUX_TOKEN: 't' };
    const withPolicy = telemetryStoreConfig(readEnv(storeVars, { ...base, INFLUX_ROLLUP_RETENTION_POLICY: 'rollups' }));
    expect(withPolicy).toEqual({ kind: 'influxdb', url: 'http://influx:8086', database: 'city', token: 't', rollupRetentionPolicy: 'rollups' });
    expect(describeStore(withPolicy)).toBe('InfluxDB http://influx:8086 database city (rollups in retention policy rollups)');
    // docker-compose sets it to "" by default
    const empty = telemetryStoreConfig(readEnv(storeVars, { ...base, INFLUX_ROLLUP_RETENTION_POLICY: '' }));
    expect(empty).not.toHaveProperty('rollupRetentionPolicy');
    expect(describeStore(empty)).toBe('InfluxDB http://influx:8086 database city');
  });
});
