import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP_KEY, createFixture, type Fixture } from './fixtures.ts';

describe('API keys', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('creates a key shown once, stored only as its SHA-256, usable at once and revocable', async () => {
    const created = await f.call({ method: 'POST', url: '/v1/keys', headers: { 'x-api-key': BOOTSTRAP_KEY }, payload: { name: 'grafana', role: 'viewer', cityId: 'cnx' } });
    expect(created.statusCode).toBe(201);
    const { id, key } = created.json();
    expect(key).toMatch(/^mk_[A-Za-z0-9_-]{43}$/);
    const stored = (await f.state.listApiKeys()).find((k) => k.id === id);
    expect(stored?.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.keyHash).not.toContain(key);

    const listed = await f.call({ method: 'GET', url: '/v1/keys', as: 'adminAll' });
    expect(listed.body).not.toContain(key);
    expect(listed.body).not.toContain(stored?.keyHash);
    expect(listed.json().keys.find((k: { id: string }) => k.id === id)).toEqual({ id, name: 'grafana', role: 'viewer', cityId: 'cnx', createdAt: expect.any(String), revokedAt: null });

    const me = await f.call({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${key}` } });
    expect(me.json()).toEqual({ keyId: id, name: 'grafana', role: 'viewer', cityId: 'cnx' });
    expect((await f.call({ method: 'GET', url: '/v1/cities/bkk', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(403);
    // a city-scoped key sees only its city in listings
    expect((await f.call({ method: 'GET', url: '/v1/cities', headers: { authorization: `Bearer ${key}` } })).json().cities.map((c: { id: string }) => c.id)).toEqual(['cnx']);

    const revoked = await f.call({ method: 'DELETE', url: `/v1/keys/${id}`, as: 'adminCnx' });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    const after = await f.call({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${key}` } });
    expect(after.statusCode).toBe(401);
    expect(after.json().detail).toMatch(/"grafana" was revoked/);
  });

  it('limits a city admin to the keys of its city', async () => {
    const own = await f.call({ method: 'POST', url: '/v1/keys', as: 'adminCnx', payload: { name: 'cnx ops', role: 'operator', cityId: 'cnx' } });
    expect(own.statusCode).toBe(201);
    const everywhere = await f.call({ method: 'POST', url: '/v1/keys', as: 'adminCnx', payload: { name: 'all', role: 'admin' } });
    expect(everywhere.statusCode).toBe(403);
    expect(everywhere.json().detail).toMatch(/only create keys for that city/);
    const listed = (await f.call({ method: 'GET', url: '/v1/keys', as: 'adminCnx' })).json().keys;
    expect(listed.every((k: { cityId: string | null }) => k.cityId === 'cnx')).toBe(true);
    const bkkKey = await f.call({ method: 'DELETE', url: '/v1/keys/key-adminbkk', as: 'adminCnx' });
    expect(bkkKey.statusCode).toBe(404);
    expect((await f.state.listApiKeys()).find((k) => k.id === 'key-adminbkk')?.revokedAt).toBeNull();
  });

  it('refuses unknown cities and roles, and malformed or conflicting key headers', async () => {
    const unknownCity = await f.call({ method: 'POST', url: '/v1/keys', as: 'adminAll', payload: { name: 'x', role: 'viewer', cityId: 'atlantis' } });
    expect(unknownCity.statusCode).toBe(400);
    expect(unknownCity.json().detail).toMatch(/city "atlantis" does not exist/);
    const role = await f.call({ method: 'POST', url: '/v1/keys', as: 'adminAll', payload: { name: 'x', role: 'root' } });
    expect(role.json().detail).toMatch(/body\.role must be one of: admin, operator, viewer/);
    const basic = await f.call({ method: 'GET', url: '/v1/me', headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.statusCode).toBe(401);
    expect(basic.json().detail).toMatch(/malformed/);
    const conflicting = await f.call({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${BOOTSTRAP_KEY}`, 'x-api-key': 'mk_something-else-0000000000' } });
    expect(conflicting.statusCode).toBe(401);
    expect(conflicting.json().detail).toMatch(/different keys/);
    expect(conflicting.headers['www-authenticate']).toBe('Bearer realm="mueang"');
  });
});
