import neo4j, { type Driver } from 'neo4j-driver';
import type { Config } from '../config/index.js';
import { AppError } from '../errors.js';

export type { Driver };

export function createGraphDriver(config: Config['neo4j']): Driver {
  return neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password), {
    disableLosslessIntegers: true,
    maxConnectionPoolSize: 50,
    connectionAcquisitionTimeout: 10_000,
  });
}

/** The one place where driver failures become COGO errors. */
export function mapNeo4jError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: string }).code ?? '';
  if (code === 'ServiceUnavailable' || code === 'SessionExpired') {
    return new AppError('UPSTREAM_UNAVAILABLE', 'Neo4j is unavailable; check NEO4J_URI and run `npm run services`', {
      via: 'neo4j',
      cause: error,
    });
  }
  if (code === 'Neo.ClientError.Security.Unauthorized') {
    return new AppError('UPSTREAM_UNAVAILABLE', 'Neo4j refused the credentials; check NEO4J_USER / NEO4J_PASSWORD', {
      via: 'neo4j',
      retryable: false,
      cause: error,
    });
  }
  if (code === 'Neo.ClientError.Schema.ConstraintValidationFailed') {
    return new AppError('BAD_INPUT', 'the write conflicts with an existing node', { via: 'neo4j', cause: error });
  }
  return error;
}

/** Runs one statement in a managed transaction and returns plain objects. */
export async function runCypher<Row = Record<string, unknown>>(
  driver: Driver,
  database: string,
  statement: string,
  params: Record<string, unknown> = {},
  mode: 'READ' | 'WRITE' = 'WRITE',
): Promise<Row[]> {
  try {
    const result = await driver.executeQuery(statement, params, {
      database,
      routing: mode === 'READ' ? neo4j.routing.READ : neo4j.routing.WRITE,
    });
    return result.records.map((record) => record.toObject() as Row);
  } catch (error) {
    throw mapNeo4jError(error);
  }
}
