import type { BusEvent } from './event-types.js';

/**
 * The system stream carries every tenant's job events; a caller sees its own tenant's only. Events say whose job
 * they are in `data.tenant`; one that does not say is not shown. `return()` reaches the source, so a client that
 * goes away still ends the underlying subscription at once.
 */
export function onlyTenant(source: AsyncIterableIterator<BusEvent>, tenant: string): AsyncIterableIterator<BusEvent> {
  const iterator: AsyncIterableIterator<BusEvent> = {
    async next() {
      for (;;) {
        const step = await source.next();
        if (step.done || step.value.data.tenant === tenant) return step;
      }
    },
    return: (value?: unknown) => source.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
    throw: (error?: unknown) => source.throw?.(error) ?? Promise.reject(error),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
