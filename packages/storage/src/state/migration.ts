/** One schema step. Runs in its own transaction, so it must not use CREATE INDEX CONCURRENTLY and the like. */
export interface Migration {
  /** 'NNNN_name': four digits that order the migrations, then lowercase words */
  id: string;
  /** PostgreSQL-dialect statements, no parameters */
  sql: string;
}
