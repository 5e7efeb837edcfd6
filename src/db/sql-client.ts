/**
 * The one query interface for Postgres in COGO, implemented by a `pg` pool (any Postgres with pgvector) and by
 * PGlite (the embedded default). Callers never know which one they hold.
 */
export interface SqlClient {
  readonly kind: 'postgres' | 'pglite';
  query<Row extends Record<string, unknown> = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: Row[] }>;
  /** Runs several statements separated by semicolons, without parameters (migrations). */
  exec(text: string): Promise<void>;
  /** Runs `work` inside one transaction on one connection. */
  transaction<T>(work: (tx: Pick<SqlClient, 'query' | 'exec'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
