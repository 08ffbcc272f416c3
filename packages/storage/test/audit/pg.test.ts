import { afterAll, describe } from 'vitest';
import { openStateStore } from '@mueang/storage';
import { createTempDatabase, requireComponents, type TempDatabase } from '@mueang/testkit';
import { auditRepositoryContract } from './contract.ts';

const ok = await requireComponents('AuditRepository on PostgreSQL', 'postgres');

describe.skipIf(!ok)('AuditRepository on PostgreSQL (pg)', () => {
  let db: TempDatabase | undefined;
  afterAll(async () => {
    await db?.drop();
  });
  auditRepositoryContract(async () => {
    db = await createTempDatabase();
    return openStateStore({ kind: 'postgres', url: db.url });
  });
});
