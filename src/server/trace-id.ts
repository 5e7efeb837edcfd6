import { randomUUID } from 'node:crypto';

/** W3C traceparent `00-<trace-id>-<span-id>-<flags>` carries the caller's trace into COGO; else a new one. */
export function traceIdFrom(headers: Record<string, string | string[] | undefined>): string {
  const header = headers['traceparent'];
  const match = typeof header === 'string' ? /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(header.trim()) : null;
  return match?.[1] ?? randomUUID().replace(/-/g, '');
}
