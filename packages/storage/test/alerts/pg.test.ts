import { afterAll, describe } from 'vitest';
import { openStateStore } from '@mueang/storage';
import { createTempDatabase, requireComponents, type TempDatabase } from '@mueang/testkit';
import { alertRepositoryContract } from './contract.ts';

const ok = await requireComponents('AlertRepository on PostgreSQL', 'postgres');

describe.skipIf(!ok)('AlertRepository on PostgreSQL (pg)', () => {
  let db: TempDatabase | undefined;
  afterAll(async () => {
    await db?.drop();
  });
  alertRepositoryContract(async () => {
    db = await createTempDatabase();
    return openStateStore({ kind: 'postgres', url: db.url });
  });
});
