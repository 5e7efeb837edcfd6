import type { Driver } from 'neo4j-driver';
import type { SqlClient } from '../db/sql-client.js';
import { SpanKind, withSpan } from './tracing.js';

/**
 * What a span may say about a statement: its first line that is not a comment (query files open with one), without
 * parameter values (they stay parameters).
 */
const summary = (statement: string) =>
  (
    statement
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line && !line.startsWith('--') && !line.startsWith('//')) ?? ''
  ).slice(0, 120);

/**
 * The driver with a client span per `executeQuery` (how COGO runs Cypher, src/graph/driver.ts runCypher) and per
 * session from `session()` to `close()`. Everything else is the driver's own.
 */
export function tracedDriver(driver: Driver): Driver {
  return new Proxy(driver, {
    get(target, property) {
      if (property === 'executeQuery') {
        return (query: string, ...rest: unknown[]) =>
          withSpan(
            'neo4j.query',
            { 'db.system.name': 'neo4j', 'db.query.summary': summary(query) },
            () => (target.executeQuery as (...args: unknown[]) => Promise<unknown>)(query, ...rest),
            SpanKind.CLIENT,
          );
      }
      if (property === 'session') {
        return (...args: Parameters<Driver['session']>) => {
          const session = target.session(...args);
          let finished: (() => void) | undefined;
          void withSpan('neo4j.session', { 'db.system.name': 'neo4j' }, () => new Promise<void>((resolve) => (finished = resolve)), SpanKind.CLIENT);
          const close = session.close.bind(session);
          session.close = async () => {
            try {
              await close();
            } finally {
              finished?.();
            }
          };
          return session;
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The SQL client with a client span per query, statement batch and transaction. */
export function tracedSql(sql: SqlClient): SqlClient {
  const attributes = (text: string) => ({ 'db.system.name': sql.kind === 'pglite' ? 'pglite' : 'postgresql', 'db.query.summary': summary(text) });
  return {
    kind: sql.kind,
    query: (text, params) => withSpan('sql.query', attributes(text), () => sql.query(text, params), SpanKind.CLIENT),
    exec: (text) => withSpan('sql.exec', attributes(text), () => sql.exec(text), SpanKind.CLIENT),
    transaction: (work) => withSpan('sql.transaction', attributes('transaction'), () => sql.transaction(work), SpanKind.CLIENT),
    close: () => sql.close(),
  };
}
