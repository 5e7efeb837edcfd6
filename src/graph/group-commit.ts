/**
 * Group commit: callers hand in one item each and await it; whatever arrives while a write is in flight goes
 * into the next write together. Under load one transaction carries many items (throughput), and when idle an
 * item is written at once (latency), with no timer to tune.
 */
export function createGroupCommit<T>(write: (items: T[]) => Promise<void>, maxBatch = 500): (item: T) => Promise<void> {
  const pending: { item: T; done: (error?: unknown) => void }[] = [];
  let writing = false;

  async function drain() {
    writing = true;
    while (pending.length > 0) {
      const batch = pending.splice(0, maxBatch);
      try {
        await write(batch.map((p) => p.item));
        for (const p of batch) p.done();
      } catch (error) {
        for (const p of batch) p.done(error);
      }
    }
    writing = false;
  }

  return (item) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ item, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!writing) void drain();
    });
}
