/** The baseline's worker process: plain BullMQ, no-op processor, same concurrency as COGO's in the benchmark. */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const worker = new Worker('raw', async () => ({}), { connection, prefix: process.env.RAW_PREFIX, concurrency: Number(process.env.WORKER_CONCURRENCY ?? 50) });
await worker.waitUntilReady();
process.stdout.write('READY raw\n');
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
