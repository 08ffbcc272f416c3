import type { Migration } from './migration.ts';
import { migration0001Registry } from './migrations/0001_registry.ts';

/**
 * The StateStore schema, in order. To change the schema, add a file `migrations/NNNN_name.ts`
 * exporting a Migration and append it here; never edit a migration that has shipped
 * (migrate() refuses a database whose applied migrations differ from these).
 */
export const MIGRATIONS: readonly Migration[] = [migration0001Registry];
