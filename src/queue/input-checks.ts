import { resolveIndexRoot } from '../fs/allowed-roots.js';
import type { Config } from '../config/index.js';
import type { JobInput } from './job-inputs.js';
import type { EnqueueType } from './job-types.js';

/** A check of a validated input against this machine; returns the input to enqueue or throws an AppError. */
export type InputCheck = <T extends EnqueueType>(type: T, input: JobInput<T>) => Promise<JobInput<T>>;

/**
 * The enqueue-time checks (issue 9): an indexing root must be an existing folder inside the allowed roots, so a
 * refused root is answered at once (one FORBIDDEN message) and nothing is enqueued. The root is stored as its
 * real path: the worker checks it again, and a relative root means the folder the service was started in, not
 * whatever folder a worker runs in.
 */
export function createInputChecks(indexing: Config['indexing']): InputCheck {
  return async (type, input) => {
    if (type !== 'indexing') return input;
    const indexingInput = input as JobInput<'indexing'>;
    const root = await resolveIndexRoot(indexingInput.root, indexing.allowedRoots, { baseDir: indexing.startDir });
    return { ...indexingInput, root } as typeof input;
  };
}
