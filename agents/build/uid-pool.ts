/**
 * Host uids for sandboxes when the worker is root: each running step gets one no other running step has, so
 * RLIMIT_NPROC (counted per uid) is a per-sandbox limit and two builds cannot signal each other's processes.
 * Worker processes on one host are told apart by their pid; the range is wide enough that two colliding would
 * need the same pid slot at the same time.
 */
export function createUidPool(base: number, slotsPerProcess = 64, pid = process.pid) {
  const offset = base + (pid % 4096) * slotsPerProcess;
  const inUse = new Set<number>();
  return {
    acquire(): number {
      for (let slot = 0; slot < slotsPerProcess; slot++) {
        if (!inUse.has(slot)) {
          inUse.add(slot);
          return offset + slot;
        }
      }
      throw new Error(`more than ${slotsPerProcess} sandboxes at once in one worker process`);
    },
    release(uid: number) {
      inUse.delete(uid - offset);
    },
  };
}
