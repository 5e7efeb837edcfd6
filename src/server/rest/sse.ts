import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BusEvent } from '../../events/event-types.js';

const KEEPALIVE_MS = 15_000;

/**
 * Streams events as Server-Sent Events: `id` is the stream id, so a browser's EventSource resumes by itself
 * with Last-Event-ID after a drop. The response ends when the events end or the client goes away.
 */
export async function sendSse(request: FastifyRequest, reply: FastifyReply, events: AsyncIterableIterator<BusEvent>): Promise<void> {
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
  request.raw.on('close', closed);
  try {
    for await (const event of events) {
      res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    }
    res.write('event: end\ndata: {}\n\n');
  } catch (error) {
    res.write(`event: error\ndata: ${JSON.stringify({ message: (error as Error).message })}\n\n`);
  } finally {
    clearInterval(keepalive);
    request.raw.off('close', closed);
    res.end();
  }
}
