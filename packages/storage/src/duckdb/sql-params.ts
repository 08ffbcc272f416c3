import type { DuckDBValue } from '@duckdb/node-api';

/** Collects bound values for a statement and hands out their placeholders ($1, $2, ...): no value is ever pasted into SQL. */
export class SqlParams {
  readonly values: DuckDBValue[] = [];

  add(value: string | number | bigint): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** undefined becomes NULL */
  addNullable(value: string | number | bigint | undefined): string {
    this.values.push(value ?? null);
    return `$${this.values.length}`;
  }
}
