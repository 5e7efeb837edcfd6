import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { EventBus } from '../events/event-bus.js';

export interface AgentView {
  id: string;
  host: string;
  pid: number;
  queues: string[];
  startedAt: string;
  lastSeen: string;
  activeJobs: number;
}

const HEARTBEAT_MS = 2000;
const EXPIRES_MS = 10_000;

/** Live workers: each refreshes a short-lived key; one that dies simply stops being listed. */
export function startPresence(options: { redis: Redis; keyPrefix: string; events: EventBus; workerId: string; queues: string[]; activeJobs: () => number }) {
  const { redis, keyPrefix, events, workerId } = options;
  const startedAt = new Date().toISOString();
  let beats = 0;
  const beat = async () => {
    const view: AgentView = {
      id: workerId,
      host: hostname(),
      pid: process.pid,
      queues: options.queues,
      startedAt,
      lastSeen: new Date().toISOString(),
      activeJobs: options.activeJobs(),
    };
    await redis.multi().set(`${keyPrefix}:agent:${workerId}`, JSON.stringify(view), 'PX', EXPIRES_MS).sadd(`${keyPrefix}:agents`, workerId).exec();
    // A heartbeat event every few beats is enough for a live view; the key itself is checked every 2 s.
    if (beats++ % 5 === 0) await events.publish({ kind: 'agents' }, { type: beats === 1 ? 'agent.up' : 'agent.heartbeat', data: { ...view } });
  };
  // A missed beat is tried again 2 s later; the key lives 10 s, so only a Redis outage hides the worker, and that
  // outage is /readyz's to report (and fails every job write loudly).
  const timer = setInterval(() => void beat().catch(() => {}), HEARTBEAT_MS);
  timer.unref();
  const ready = beat();
  return {
    ready,
    async stop() {
      clearInterval(timer);
      await redis.multi().del(`${keyPrefix}:agent:${workerId}`).srem(`${keyPrefix}:agents`, workerId).exec();
      // The key is already gone (listAgents no longer shows the worker); the event is a courtesy to live views.
      await events.publish({ kind: 'agents' }, { type: 'agent.down', data: { id: workerId } }).catch(() => {});
    },
  };
}

export async function listAgents(redis: Redis, keyPrefix: string): Promise<AgentView[]> {
  const ids = await redis.smembers(`${keyPrefix}:agents`);
  if (ids.length === 0) return [];
  const values = await redis.mget(ids.map((id) => `${keyPrefix}:agent:${id}`));
  const gone = ids.filter((_, i) => !values[i]);
  if (gone.length) await redis.srem(`${keyPrefix}:agents`, ...gone);
  return values.filter((v): v is string => Boolean(v)).map((v) => JSON.parse(v) as AgentView);
}
