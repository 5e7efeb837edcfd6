import { describe, expect, it } from 'vitest';
import { AppError, publicMessage, toAppError } from '../../src/errors.js';
import { traceIdFrom } from '../../src/server/http-server.js';
import { splitStatements } from '../../src/graph/cypher-files.js';

describe('AppError', () => {
  it('maps each code to its HTTP status and retry default', () => {
    expect(new AppError('BAD_INPUT', 'x').httpStatus).toBe(400);
    expect(new AppError('IDEMPOTENCY_CONFLICT', 'x').httpStatus).toBe(409);
    expect(new AppError('PAYLOAD_TOO_LARGE', 'x').httpStatus).toBe(413);
    expect(new AppError('BAD_INPUT', 'x').retryable).toBe(false);
    expect(new AppError('UPSTREAM_UNAVAILABLE', 'x').retryable).toBe(true);
  });

  it('turns unknown failures into INTERNAL and hides their message in production', () => {
    const error = toAppError(new Error('password=hunter2 leaked'), 'neo4j');
    expect(error.code).toBe('INTERNAL');
    expect(error.via).toBe('neo4j');
    expect(publicMessage(error, false)).not.toContain('hunter2');
    expect(publicMessage(new AppError('BAD_INPUT', 'k must be positive'), false)).toBe('k must be positive');
  });
});

describe('traceIdFrom', () => {
  it('carries the trace id of a valid W3C traceparent', () => {
    expect(traceIdFrom({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' })).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });
  it('makes a fresh 32-hex id when the header is missing or malformed', () => {
    const made = traceIdFrom({ traceparent: 'garbage' });
    expect(made).toMatch(/^[\da-f]{32}$/);
    expect(traceIdFrom({})).not.toBe(made);
  });
});

describe('splitStatements', () => {
  it('splits on semicolons at line ends and drops comment lines', () => {
    const text = '// header\nCREATE INDEX a IF NOT EXISTS FOR (n:A) ON (n.x);\nMATCH (n) WHERE n.s = "a;b"\nRETURN n;\n';
    expect(splitStatements(text)).toEqual(['CREATE INDEX a IF NOT EXISTS FOR (n:A) ON (n.x)', 'MATCH (n) WHERE n.s = "a;b"\nRETURN n']);
  });
});
