import { pino, type DestinationStream, type Logger } from 'pino';
import { traceFields } from './tracing.js';

export type { Logger };

/** Structured JSON logs (to stdout unless `destination` says otherwise); secrets that could reach a log line are redacted by path. */
export function createLogger(options: { level: string; name?: string }, destination?: DestinationStream): Logger {
  return pino(
    {
      name: options.name ?? 'cogo',
      level: options.level,
      // Inside a recorded span, every line says which trace and span it belongs to (a child logger that already
      // names its trace, as a job's does, keeps its own: one traceId per line).
      mixin: (_object, _level, logger) => {
        const fields = traceFields();
        if (fields.traceId && 'traceId' in logger.bindings()) return { spanId: fields.spanId };
        return fields;
      },
      redact: {
        paths: ['password', '*.password', 'apiKey', '*.apiKey', 'headers.authorization', 'req.headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
