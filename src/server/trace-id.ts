import { randomUUID } from 'node:crypto';
import { activeTraceId } from '../observability/tracing.js';

/**
 * The request's trace id. With tracing on, the request's span's (src/server/request-tracing.ts), which continues
 * a valid traceparent; else W3C traceparent `00-<trace-id>-<span-id>-<flags>` carries the caller's; else a new one.
 */
export function traceIdFrom(headers: Record<string, string | string[] | undefined>): string {
  const active = activeTraceId();
  if (active) return active;
  const header = headers['traceparent'];
  const match = typeof header === 'string' ? /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(header.trim()) : null;
  return match?.[1] ?? randomUUID().replace(/-/g, '');
}
