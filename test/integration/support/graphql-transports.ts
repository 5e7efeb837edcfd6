import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';

/** What one call answered, whatever the transport: error codes, the data it carried, a WebSocket close code. */
export interface CallOutcome {
  codes: string[];
  /** every `data` received, as JSON (null when none) */
  data: unknown[];
  closeCode?: number;
}

interface GraphQLErrorLike {
  message: string;
  extensions?: { code?: string };
}

const codesOf = (errors: readonly GraphQLErrorLike[] | undefined) => (errors ?? []).map((e) => e.extensions?.code ?? `?${e.message}`);

export type Transport = (url: string, document: string, variables: Record<string, unknown>, authorization?: string) => Promise<CallOutcome>;

/** GraphQL over HTTP (Apollo): queries and mutations. */
export const overHttp: Transport = async (url, document, variables, authorization) => {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query: document, variables }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: GraphQLErrorLike[] };
  return { codes: codesOf(body.errors), data: body.data === undefined ? [] : [body.data] };
};

/** graphql-ws: the credential in connection_init's payload. Open streams are read for `listenMs`, then closed. */
export function overWebSocket(listenMs = 700): Transport {
  return (url, document, variables, authorization) =>
    new Promise((resolve) => {
      const outcome: CallOutcome = { codes: [], data: [] };
      const client = createWsClient({
        url: `${url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: authorization ? { authorization } : {},
        on: { closed: (event) => (outcome.closeCode ??= (event as { code: number }).code) },
      });
      const finish = () => {
        clearTimeout(timer);
        void client.dispose();
        resolve(outcome);
      };
      const timer = setTimeout(finish, listenMs);
      client.subscribe(
        { query: document, variables },
        {
          next: (result) => {
            outcome.codes.push(...codesOf(result.errors as GraphQLErrorLike[] | undefined));
            if (result.data !== undefined) outcome.data.push(result.data);
          },
          error: (error) => {
            if (Array.isArray(error)) outcome.codes.push(...codesOf(error as GraphQLErrorLike[]));
            else {
              const close = error as { code?: number; reason?: string };
              outcome.closeCode = close.code;
              const code = /^([A-Z_]+):/.exec(close.reason ?? '')?.[1];
              if (code) outcome.codes.push(code);
            }
            finish();
          },
          complete: finish,
        },
      );
    });
}

/** graphql-sse (distinct connections): POST /graphql/stream with the Authorization header; read for `listenMs`. */
export function overSse(listenMs = 700): Transport {
  return async (url, document, variables, authorization) => {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), listenMs);
    const outcome: CallOutcome = { codes: [], data: [] };
    try {
      const response = await fetch(`${url}/graphql/stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query: document, variables }),
        signal: abort.signal,
      }).catch((error: unknown) => {
        // No answer at all within listenMs: say so in the outcome, so that the failing assertion names the operation.
        if ((error as Error).name === 'AbortError') return undefined;
        throw error;
      });
      if (!response) return { codes: [`?no answer within ${listenMs} ms`], data: [] };
      if (!response.headers.get('content-type')?.includes('text/event-stream')) {
        const body = (await response.json()) as { data?: unknown; errors?: GraphQLErrorLike[] };
        return { codes: codesOf(body.errors), data: body.data === undefined ? [] : [body.data] };
      }
      let text = '';
      const decoder = new TextDecoder();
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          text += decoder.decode(chunk, { stream: true });
          if (/event: complete/.test(text)) break;
        }
      } catch {
        // aborted after listenMs: an open stream that sent what it had
      }
      for (const match of text.matchAll(/event: next\ndata: (.*)\n/g)) {
        const result = JSON.parse(match[1] as string) as { data?: unknown; errors?: GraphQLErrorLike[] };
        outcome.codes.push(...codesOf(result.errors));
        if (result.data !== undefined) outcome.data.push(result.data);
      }
      return outcome;
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
  };
}

/** True when no response carried a value: `null`, `{field: null}` or nothing at all. */
export function carriesNoData(outcome: CallOutcome): boolean {
  return outcome.data.every((d) => d === null || (typeof d === 'object' && Object.values(d as object).every((v) => v === null)));
}
