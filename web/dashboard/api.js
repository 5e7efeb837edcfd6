// The dashboard is an API client like any other: GraphQL over HTTP for queries and mutations, graphql-ws for
// live streams, the API key (if one was given) as the bearer credential on both.
import { createClient } from 'graphql-ws';

const KEY = 'cogo.dashboard.apiKey';

export function savedKey() {
  return sessionStorage.getItem(KEY) ?? '';
}

export function saveKey(key) {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

/** An error the API answered, with its DESIGN §7 code. */
export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

export function createApi(key) {
  const authorization = key ? `Bearer ${key}` : undefined;
  const ws = createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: authorization ? { authorization } : {},
    retryAttempts: 5,
    lazy: true,
  });
  return {
    async graphql(query, variables = {}) {
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = await response.json().catch(() => ({}));
      const error = body.errors?.[0];
      if (error || !body.data)
        throw new ApiError(error?.message ?? body.error ?? `HTTP ${response.status}`, error?.extensions?.code ?? body.code ?? 'INTERNAL');
      return body.data;
    },
    /** Calls `onEvent` with each event of a subscription until the returned function is called. */
    subscribe(query, variables, onEvent, onError = () => {}) {
      return ws.subscribe(
        { query, variables },
        {
          next: (result) =>
            result.errors ? onError(new ApiError(result.errors[0].message, result.errors[0].extensions?.code)) : onEvent(Object.values(result.data)[0]),
          error: (error) => onError(error instanceof Error ? error : new ApiError(String(error?.reason ?? 'the connection closed'), 'UPSTREAM_UNAVAILABLE')),
          complete: () => {},
        },
      );
    },
    // graphql-ws's dispose() awaits the socket it is still opening and rejects with that socket's CloseEvent when
    // it closes first (signing in again right after signing in): nothing is left to tell the user then.
    dispose: () => Promise.resolve(ws.dispose()).catch(() => {}),
  };
}
