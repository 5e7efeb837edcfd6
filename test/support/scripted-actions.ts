import { z } from 'zod';
import { defineAction, type AnyAction } from '../../agents/execute/index.js';
import { AppError } from '../../src/errors.js';

/**
 * The job-platform tests enqueue execute jobs that the scripted worker (scripted-processor.ts) runs, not the
 * execute agent: these names pass the control plane's flow check (known action, any params) and nothing more.
 */
export const SCRIPTED_ACTIONS: readonly AnyAction[] = ['script', 'noop', 'read-record', 'x'].map((name) =>
  defineAction({
    name,
    description: 'run by the scripted test worker only',
    input: z.record(z.string(), z.unknown()),
    rateLimit: { perSec: 1000, burst: 1000 },
    run: () => Promise.reject(new AppError('INTERNAL', `${name} runs in the scripted test worker, not in the execute agent`, { via: 'test' })),
  }),
);
