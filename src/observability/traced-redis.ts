import { tracingChannel } from 'node:diagnostics_channel';
import { context, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';

/** What ioredis (≥ 5.10) publishes on its `ioredis:command` tracing channel for each command it writes. */
interface CommandMessage {
  command: string;
  database: number;
  serverAddress: string;
  serverPort: number;
  error?: unknown;
}

const commands = tracingChannel<CommandMessage>('ioredis:command');

/**
 * A client span per Redis command, for every ioredis client in the process (ours and BullMQ's), from ioredis's
 * own diagnostics channel: no require hook (which ESM loading under tsx does not run reliably) and no wrapper
 * per connection. Only commands issued inside a span get one, so BullMQ's polling between jobs starts no traces;
 * values and keys stay out of the span (keys can carry tenants and key hashes). Returns the unsubscribe.
 */
export function traceRedisCommands(tracer: Tracer): () => void {
  const spans = new WeakMap<CommandMessage, Span>();
  const subscribers = {
    start(message: CommandMessage) {
      const parent = context.active();
      if (!trace.getSpan(parent)) return;
      const operation = message.command.toUpperCase();
      const span = tracer.startSpan(
        'redis.command',
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'db.system.name': 'redis',
            'db.operation.name': operation,
            'db.namespace': String(message.database),
            'server.address': message.serverAddress,
            'server.port': message.serverPort,
          },
        },
        parent,
      );
      spans.set(message, span);
    },
    error(message: CommandMessage & { error: unknown }) {
      const span = spans.get(message);
      if (!span) return;
      // Redis's own refusals (NOSCRIPT, BUSYGROUP, a job's lock lost) come back as errors: recorded, not thrown here.
      span.setStatus({ code: SpanStatusCode.ERROR, message: (message.error as Error)?.message ?? String(message.error) });
    },
    asyncEnd(message: CommandMessage) {
      spans.get(message)?.end();
      spans.delete(message);
    },
    end() {},
    asyncStart() {},
  };
  commands.subscribe(subscribers);
  return () => commands.unsubscribe(subscribers);
}
