import { describe } from 'vitest';
import { openStateStore } from '@mueang/storage';
import { alertRepositoryContract } from './contract.ts';

describe('AlertRepository on PGlite', () => {
  alertRepositoryContract(() => openStateStore({ kind: 'pglite' }));
});
