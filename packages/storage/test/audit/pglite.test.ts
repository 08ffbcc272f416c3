import { describe } from 'vitest';
import { openStateStore } from '@mueang/storage';
import { auditRepositoryContract } from './contract.ts';

describe('AuditRepository on PGlite', () => {
  auditRepositoryContract(() => openStateStore({ kind: 'pglite' }));
});
