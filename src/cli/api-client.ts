import { createParser } from 'eventsource-parser';
import { AppError, ERROR_CODES, type ErrorCode } from '../errors.js';
import type { BusEvent } from '../events/event-types.js';

/**
 * The CLI is a client of the API like any other (issue 9): GraphQL for requests, the REST SSE stream for a
 * job's events, the API key as a bearer token. Only administrative commands open the stores directly.
 */
export interface ApiClient {
  readonly url: string;
  graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** A job's events from the start (or after `after`), ending after its terminal event. */
  jobEvents(jobId: string, options?: { signal?: AbortSignal }): AsyncIterable<BusEvent>;
}

interface WireError {
  message?: string;
  error?: string;
  code?: string;
  extensions?: { code?: string };
}

const codeOf = (raw: string | undefined): ErrorCode => ((ERROR_CODES as readonly string[]).includes(raw ?? '') ? (raw as ErrorCode) : 'INTERNAL');

export function createApiClient(options: { url: string; apiKey?: string | undefined }): ApiClient {
  const url = options.url.replace(/\/+$/, '');
  const headers = (extra: Record<string, string>) => ({ ...extra, ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) });
  const unreachable = (cause: unknown) =>
    new AppError('UPSTREAM_UNAVAILABLE', `no COGO API answers at ${url}; start it with \`npm start\`, or point COGO_URL (or --api) at a running one`, {
      via: 'cli',
      cause,
    });
  const refused = (status: number, body: WireError | undefined) =>
    new AppError(codeOf(body?.extensions?.code ?? body?.code), body?.message ?? body?.error ?? `HTTP ${status}`, { via: 'api' });

  return {
    url,
    async graphql<T>(query: string, variables: Record<string, unknown> = {}) {
      let response: Response;
      try {
        response = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: headers({ 'content-type': 'application/json' }),
          body: JSON.stringify({ query, variables }),
        });
      } catch (error) {
        throw unreachable(error);
      }
      const body = (await response.json().catch(() => ({}))) as { data?: T; errors?: WireError[] } & WireError;
      const error = body.errors?.[0];
      if (error || !body.data) throw refused(response.status, error ?? body);
      return body.data;
    },
    async *jobEvents(jobId, streamOptions = {}) {
      let response: Response;
      try {
        response = await fetch(`${url}/v1/jobs/${encodeURIComponent(jobId)}/events`, {
          headers: headers({ accept: 'text/event-stream' }),
          ...(streamOptions.signal ? { signal: streamOptions.signal } : {}),
        });
      } catch (error) {
        throw unreachable(error);
      }
      if (!response.ok || !response.body) throw refused(response.status, (await response.json().catch(() => undefined)) as WireError | undefined);
      const queue: { event?: string; data: string }[] = [];
      const parser = createParser({ onEvent: (message) => queue.push(message) });
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        parser.feed(decoder.decode(chunk, { stream: true }));
        while (queue.length > 0) {
          const message = queue.shift()!;
          if (message.event === 'end') return;
          if (message.event === 'error') throw refused(200, JSON.parse(message.data) as WireError);
          yield JSON.parse(message.data) as BusEvent;
        }
      }
    },
  };
}
