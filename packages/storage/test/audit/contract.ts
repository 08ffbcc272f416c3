import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, SqlAuditRepository, SqlStateStore, StateStoreError, auditRepository, type AuditActor, type AuditRepository, type NewAuditEntry, type StateStore } from '@mueang/storage';

/**
 * The audit log contract, run on PGlite and on PostgreSQL. One database for the suite; every test uses a city id of
 * its own, so tests do not see each other's entries.
 */
export function auditRepositoryContract(openStore: () => Promise<StateStore>): void {
  let store: StateStore;
  let repo: AuditRepository;

  beforeAll(async () => {
    store = await openStore();
    repo = auditRepository(store);
  });
  afterAll(async () => {
    await store?.close();
  });

  const T0 = Date.UTC(2025, 2, 10, 5, 0, 0);
  const ADMIN: AuditActor = { kind: 'api_key', id: 'key-admin', name: 'city admin', role: 'admin' };
  const OPERATOR: AuditActor = { kind: 'api_key', id: 'key-operator', name: 'field team', role: 'operator' };

  function city(): string {
    return `c-${randomBytes(4).toString('hex')}`;
  }

  function entry(cityId: string, over: Partial<NewAuditEntry> = {}): NewAuditEntry {
    return { at: T0, actor: ADMIN, action: 'site.update', target: { type: 'site', id: `${cityId}-s1` }, cityId, details: { changes: { name: { from: 'Old', to: 'New' } } }, requestId: 'req-1', remoteAddress: '127.0.0.1', ...over };
  }

  async function invalidField(promise: Promise<unknown>): Promise<string> {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StateStoreError);
    expect((err as StateStoreError).code).toBe('input.invalid');
    return String((err as StateStoreError).details.field);
  }

  it('appends an entry and returns it as stored', async () => {
    const c = city();
    const stored = await repo.append(entry(c));
    expect(stored).toEqual({
      id: expect.any(Number),
      at: T0,
      actor: ADMIN,
      action: 'site.update',
      target: { type: 'site', id: `${c}-s1` },
      cityId: c,
      details: { changes: { name: { from: 'Old', to: 'New' } } },
      requestId: 'req-1',
      remoteAddress: '127.0.0.1',
    });
    expect((await repo.list({ cityId: c })).items).toEqual([stored]);
  });

  it('records the platform itself as the system actor, and stamps the time when none is given', async () => {
    const c = city();
    const before = Date.now();
    const stored = await repo.append({ actor: SYSTEM_ACTOR, action: 'device.revoke', target: { type: 'device', id: `${c}-d1` }, cityId: c });
    expect(stored.actor).toEqual({ kind: 'system', id: 'system', name: null, role: null });
    expect(stored.at).toBeGreaterThanOrEqual(before - 1000);
    expect(stored.at).toBeLessThanOrEqual(Date.now() + 1000);
    expect(stored.details).toEqual({});
    expect(stored.requestId).toBeNull();
  });

  it('lists newest first and filters by city, actor, action, target and time', async () => {
    const [a, b] = [city(), city()];
    const e1 = await repo.append(entry(a, { at: T0 }));
    const e2 = await repo.append(entry(a, { at: T0 + 60_000, actor: OPERATOR, action: 'device.rotate', target: { type: 'device', id: `${a}-d1` } }));
    const e3 = await repo.append(entry(b, { at: T0 + 120_000, action: 'city.update', target: { type: 'city', id: b } }));
    const e4 = await repo.append(entry(a, { at: T0 + 120_000, action: 'device.revoke', target: { type: 'device', id: `${a}-d1` } }));
    const ids = (page: { items: Array<{ id: number }> }) => page.items.map((e) => e.id);
    expect(ids(await repo.list({ cityId: a }))).toEqual([e4.id, e2.id, e1.id]);
    expect(ids(await repo.list({ cityId: [a, b] }))).toEqual([e4.id, e3.id, e2.id, e1.id]);
    expect(ids(await repo.list({ cityId: [a, b], actorId: 'key-operator' }))).toEqual([e2.id]);
    expect(ids(await repo.list({ cityId: [a, b], action: 'city.update' }))).toEqual([e3.id]);
    expect(ids(await repo.list({ cityId: [a, b], targetType: 'device', targetId: `${a}-d1` }))).toEqual([e4.id, e2.id]);
    expect(ids(await repo.list({ cityId: [a, b], targetId: b }))).toEqual([e3.id]);
    // from inclusive, to exclusive
    expect(ids(await repo.list({ cityId: [a, b], from: T0 + 60_000, to: T0 + 120_000 }))).toEqual([e2.id]);
    expect(ids(await repo.list({ cityId: [a, b], from: T0 + 120_000 }))).toEqual([e4.id, e3.id]);
    expect((await repo.list({ cityId: 'no-such-city' })).items).toEqual([]);
  });

  it('pages with a cursor through entries of the same millisecond without skipping or repeating', async () => {
    const c = city();
    const appended: number[] = [];
    for (let i = 0; i < 7; i++) appended.push((await repo.append(entry(c, { at: T0 + (i < 4 ? 0 : 1000) }))).id);
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await repo.list({ cityId: c, limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...appended].reverse());
  });

  it('never stores secrets, hashes, API keys or contact addresses put into details', async () => {
    const c = city();
    const secrets = {
      apiKey: 'mk_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
      keyHash: 'a'.repeat(64),
      scrypt: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
      password: 'hunter2-but-longer',
      email: 'somchai.j@example.go.th',
      phone: '081-234-5678',
      intlPhone: '+66 81 234 5678',
      line: `U${'0123456789abcdef'.repeat(2)}`,
      webhookPath: '/hooks/T0KEN-in-the-path',
    };
    const stored = await repo.append(
      entry(c, {
        details: {
          after: { name: 'Station 1', secret: secrets.password, keyHash: secrets.keyHash, credentials: { username: 'dev-1', password: secrets.password } },
          secretRotated: true,
          recipient: { address: secrets.email, note: `call ${secrets.phone} or ${secrets.intlPhone}, LINE ${secrets.line}` },
          text: `key ${secrets.apiKey} hash ${secrets.scrypt} at https://hooks.example.org${secrets.webhookPath}?token=x`,
          list: [secrets.email, 42, null, false],
          timestamps: { from: '2025-03-10', to: '2025-03-10T05:00:00.000Z', epoch: '1741579200000' },
        },
      }),
    );
    const [raw] = await store.driver.query<{ text: string }>('SELECT details::text AS text FROM audit_log WHERE id = $1', [stored.id]);
    for (const value of Object.values(secrets)) expect(raw!.text).not.toContain(value);
    expect(raw!.text).not.toContain('T0KEN');
    expect(stored.details).toMatchObject({
      after: { name: 'Station 1', secret: '[redacted]', keyHash: '[redacted]', credentials: { username: '[redacted]', password: '[redacted]' } },
      secretRotated: true,
      recipient: { address: 's***@example.go.th' },
      list: ['s***@example.go.th', 42, null, false],
      // dates and epoch milliseconds are not phone numbers
      timestamps: { from: '2025-03-10', to: '2025-03-10T05:00:00.000Z', epoch: '1741579200000' },
    });
    expect(String((stored.details.recipient as { note: string }).note)).toBe('call 08******78 or 66******78, LINE U012…cdef');
    expect(String(stored.details.text)).toBe('key [redacted] hash [redacted] at https://hooks.example.org/…');
  });

  it('refuses malformed entries and filters, naming the field', async () => {
    const c = city();
    expect(await invalidField(repo.append(entry(c, { action: 'device.explode' as never })))).toBe('entry.action');
    expect(await invalidField(repo.append(entry(c, { target: { type: 'planet' as never, id: 'x' } })))).toBe('entry.target.type');
    expect(await invalidField(repo.append(entry(c, { target: { type: 'site', id: '' } })))).toBe('entry.target.id');
    expect(await invalidField(repo.append(entry(c, { actor: { kind: 'robot' as never, id: 'x', name: null, role: null } })))).toBe('entry.actor.kind');
    expect(await invalidField(repo.append(entry(c, { actor: { kind: 'api_key', id: 'k', name: 'n', role: 'root' as never } })))).toBe('entry.actor.role');
    expect(await invalidField(repo.append(entry(c, { details: [] as never })))).toBe('entry.details');
    expect(await invalidField(repo.append(entry(c, { at: Number.NaN })))).toBe('entry.at');
    expect(await invalidField(repo.list({ limit: 0 }))).toBe('filter.limit');
    expect(await invalidField(repo.list({ limit: 1001 }))).toBe('filter.limit');
    expect(await invalidField(repo.list({ cursor: 'not-a-cursor' }))).toBe('filter.cursor');
    expect((await repo.list({ cityId: c })).items).toEqual([]);
  });

  it('commits with the change it describes, and disappears with it when the transaction fails', async () => {
    const c = city();
    await store.driver.transaction(async (tx) => {
      await new SqlStateStore(tx).upsertCity({ id: c, name: 'Audited City' });
      await new SqlAuditRepository(tx).append(entry(c, { action: 'city.create', target: { type: 'city', id: c } }));
    });
    expect(await store.getCity(c)).not.toBeNull();
    expect((await repo.list({ cityId: c })).items.map((e) => e.action)).toEqual(['city.create']);

    const d = city();
    const failed = store.driver.transaction(async (tx) => {
      await new SqlStateStore(tx).upsertCity({ id: d, name: 'Never City' });
      await new SqlAuditRepository(tx).append(entry(d, { action: 'city.create', target: { type: 'city', id: d } }));
      throw new Error('the change failed after its entry was written');
    });
    await expect(failed).rejects.toThrow(/change failed/);
    expect(await store.getCity(d)).toBeNull();
    expect((await repo.list({ cityId: d })).items).toEqual([]);
  });

  it('is refused by the schema when a writer bypasses the repository with a malformed row', async () => {
    await expect(store.driver.query(`INSERT INTO audit_log (actor_kind, actor_id, action, target_type, target_id) VALUES ('api_key', 'k', 'DROP TABLE', 'site', 's')`)).rejects.toThrow(/audit_log_action_format/);
    await expect(store.driver.query(`INSERT INTO audit_log (actor_kind, actor_id, action, target_type, target_id, details) VALUES ('api_key', 'k', 'site.update', 'site', 's', '[]')`)).rejects.toThrow(/audit_log_details_object/);
  });
}
