import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toAppError } from '../../errors.js';
import type { BusEvent } from '../../events/event-types.js';
import { restErrorBody } from '../rest-errors.js';

const KEEPALIVE_MS = 15_000;

/** Resolves when the socket takes more, or is gone. */
function writable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Streams events as Server-Sent Events: `id` is the stream id, so a browser's EventSource resumes by itself
 * with Last-Event-ID after a drop. The response ends when the events end or the client goes away. Writes
 * honour backpressure.
 */
export async function sendSse(request: FastifyRequest, reply: FastifyReply, events: AsyncIterableIterator<BusEvent>, exposeInternal: boolean): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(': connected\n\n');
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
  const closed = () => void events.return?.();
  reply.raw.on('close', closed);
  try {
    for await (const event of events) {
      // A slow client slows the reading of the stream instead of piling its events up in this process.
      if (!res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)) await writable(res);
    }
    res.write('event: end\ndata: {}\n\n');
  } catch (error) {
    const appError = toAppError(error, 'events');
    // The response is hijacked, so Fastify's error handler never sees this one: log it as that handler would.
    if (appError.code === 'INTERNAL') request.log.error({ err: error, url: request.url }, 'event stream failed');
    res.write(`event: error\ndata: ${JSON.stringify(restErrorBody(appError, exposeInternal))}\n\n`);
  } finally {
    clearInterval(keepalive);
    reply.raw.off('close', closed);
    res.end();
  }
}
