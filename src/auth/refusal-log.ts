import type { AuditLog } from '../audit/audit-log.js';
import type { AppError } from '../errors.js';
import type { Logger } from '../observability/logger.js';

export interface Refusal {
  error: AppError;
  /** `http`, `graphql-ws`, …: where the credential was presented. */
  transport: string;
  ip: string | undefined;
  /** The key id, when the credential named a known key; never the credential itself. */
  principal?: string;
}

/**
 * Refused authentications go to the audit log and the log, at most one line per client address and reason per
 * window: someone trying keys must not be able to flood either. The next line says how many were left out.
 */
export function createRefusalLog(audit: AuditLog | undefined, logger: Logger, windowMs = 10_000) {
  const windows = new Map<string, { until: number; suppressed: number }>();
  return (refusal: Refusal): void => {
    const now = Date.now();
    const source = refusal.ip ?? 'unknown';
    const windowKey = `${source} ${refusal.error.message}`;
    const window = windows.get(windowKey);
    if (window && window.until > now) {
      window.suppressed++;
      return;
    }
    // Bounded: a scan from many addresses must not grow the map without end; old windows carry no information.
    if (windows.size > 10_000) windows.clear();
    windows.set(windowKey, { until: now + windowMs, suppressed: 0 });
    const details = { reason: refusal.error.message, ip: source, suppressedBefore: window?.suppressed ?? 0 };
    logger.warn({ transport: refusal.transport, code: refusal.error.code, ...details }, 'authentication refused');
    audit?.push({
      tenant: '-',
      principal: refusal.principal ?? 'unknown',
      action: 'auth.refused',
      target: refusal.transport,
      traceId: null,
      outcome: 'refused',
      errorCode: refusal.error.code,
      details,
      ts: new Date(now).toISOString(),
    });
  };
}

export type RefusalLog = ReturnType<typeof createRefusalLog>;
