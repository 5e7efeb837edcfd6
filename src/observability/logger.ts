import { pino, type Logger } from 'pino';
import { traceFields } from './tracing.js';

export type { Logger };

/** Structured JSON logs; secrets that could reach a log line are redacted by path. */
export function createLogger(options: { level: string; name?: string }): Logger {
  return pino({
    name: options.name ?? 'cogo',
    level: options.level,
    // Inside a recorded span, every line says which trace and span it belongs to.
    mixin: traceFields,
    redact: {
      paths: ['password', '*.password', 'apiKey', '*.apiKey', 'headers.authorization', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  });
}
