/**
 * One stack of the tracing A/B (bench/dashboard.ts) in a process of its own: OpenTelemetry registers once per
 * process, so the three modes cannot share one. The parent forks this file; over IPC it asks for a number of
 * jobs and gets their latencies back, measured here as in any other stack.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { jobLatencies, startStack, tracingEnv, WARM_UP_JOBS, type Mode, type Stack } from './dashboard-stack.js';

type Request = { run: number } | { close: true };
type Reply = { ready: true } | { latencies: number[] } | { closed: true } | { failed: string };

export interface AbChild {
  run(jobs: number): Promise<number[]>;
  close(): Promise<void>;
}

/** Forks a stack in `mode` and waits until it has run its warm-up jobs. */
export async function startAbChild(mode: Mode, dataDir: string, collectorUrl: string): Promise<AbChild> {
  const child = fork(fileURLToPath(import.meta.url), [mode, dataDir, collectorUrl], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<Reply>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the ${mode} stack exited (code ${code})`));
      child.once('exit', onExit);
      child.once('message', (reply: Reply) => {
        child.off('exit', onExit);
        if ('failed' in reply) reject(new Error(`the ${mode} stack failed: ${reply.failed}`));
        else resolve(reply);
      });
    });
  const ask = (request: Request) => {
    const reply = next();
    child.send(request);
    return reply;
  };
  await next();
  return {
    run: async (jobs) => ((await ask({ run: jobs })) as { latencies: number[] }).latencies,
    async close() {
      if (child.exitCode === null) await ask({ close: true }).catch(() => {});
    },
  };
}

async function serve(mode: Mode, dataDir: string, collectorUrl: string) {
  const send = (reply: Reply, then?: () => void) => process.send!(reply, undefined, undefined, then);
  let stack: Stack;
  try {
    stack = await startStack(dataDir, tracingEnv(mode, collectorUrl));
    await jobLatencies(stack, WARM_UP_JOBS);
  } catch (error) {
    return send({ failed: String(error) }, () => process.exit(1));
  }
  send({ ready: true });
  process.on('message', (request: Request) => {
    void (async () => {
      try {
        if ('run' in request) return send({ latencies: await jobLatencies(stack, request.run) });
        await stack.close();
        send({ closed: true }, () => process.exit(0));
      } catch (error) {
        send({ failed: String(error) });
      }
    })();
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  const [mode, dataDir, collectorUrl] = process.argv.slice(2) as [Mode, string, string];
  await serve(mode, dataDir, collectorUrl);
}
