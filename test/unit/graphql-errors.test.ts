import { Writable } from 'node:stream';
import { ApolloServer } from '@apollo/server';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { execute, parse, type GraphQLError } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { formatExecutionResult, formatGraphQLError, graphqlErrorLogging } from '../../src/server/graphql-errors.js';

/** A real pino logger writing JSON lines into memory, so the test reads what an operator would read. */
function memoryLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

const schema = makeExecutableSchema({
  typeDefs: 'type Query { broken: String, refused: String }',
  resolvers: {
    Query: {
      broken: () => {
        throw new Error('socket hang up talking to something internal');
      },
      refused: () => {
        throw new AppError('NOT_FOUND', 'no such thing', { via: 'jobs' });
      },
    },
  },
});

type Ctx = { traceId: string };

describe('GraphQL INTERNAL errors', () => {
  describe('over HTTP (Apollo)', () => {
    it('are logged with the trace id, which the caller gets back to find the line', async () => {
      const { logger, lines } = memoryLogger();
      const apollo = new ApolloServer<Ctx>({ schema, formatError: formatGraphQLError(false), plugins: [graphqlErrorLogging<Ctx>(logger)] });
      await apollo.start();
      try {
        const response = await apollo.executeOperation({ query: '{ broken }' }, { contextValue: { traceId: 'trace-abc' } });
        const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
        expect(errors?.[0]).toMatchObject({
          message: 'internal error; see the server log for details',
          extensions: { code: 'INTERNAL', traceId: 'trace-abc' },
        });
        const line = lines.find((l) => l.msg === 'GraphQL operation failed');
        expect(line).toMatchObject({ traceId: 'trace-abc', level: 50, transport: 'http' });
        expect(JSON.stringify(line)).toContain('socket hang up talking to something internal');
      } finally {
        await apollo.stop();
      }
    });

    it("leave the caller's own errors (NOT_FOUND, BAD_INPUT) out of the log", async () => {
      const { logger, lines } = memoryLogger();
      const apollo = new ApolloServer<Ctx>({ schema, formatError: formatGraphQLError(false), plugins: [graphqlErrorLogging<Ctx>(logger)] });
      await apollo.start();
      try {
        const response = await apollo.executeOperation({ query: '{ refused }' }, { contextValue: { traceId: 'trace-def' } });
        const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
        expect(errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
        expect(errors?.[0]?.extensions).not.toHaveProperty('traceId');
        expect(lines.filter((l) => l.msg === 'GraphQL operation failed')).toEqual([]);
      } finally {
        await apollo.stop();
      }
    });
  });

  describe('over graphql-ws and graphql-sse', () => {
    it('are logged with the trace id and carry it in their extensions', async () => {
      const { logger, lines } = memoryLogger();
      const result = await execute({ schema, document: parse('{ broken refused }') });
      const formatted = formatExecutionResult(false, logger, 'ws')(result as { errors?: readonly GraphQLError[] }, 'trace-ws');
      const codes = (formatted.errors as unknown as Array<{ extensions: Record<string, unknown> }>).map((e) => e.extensions);
      expect(codes).toEqual(
        expect.arrayContaining([expect.objectContaining({ code: 'INTERNAL', traceId: 'trace-ws' }), expect.not.objectContaining({ traceId: 'trace-ws' })]),
      );
      expect(lines.filter((l) => l.msg === 'GraphQL operation failed')).toEqual([expect.objectContaining({ traceId: 'trace-ws', transport: 'ws' })]);
    });
  });
});
