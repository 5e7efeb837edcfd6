/** What `indexing.progress` carries; also the counters the processor keeps while it runs. */
export interface IndexingCounters {
  phase: 'waiting' | 'scanning' | 'indexing' | 'cleanup' | 'linking' | 'report';
  filesSeen: number;
  filesChecked: number;
  filesChanged: number;
  filesSkipped: number;
  filesFailed: number;
  filesDeleted: number;
  chunksEmbedded: number;
  chunksReused: number;
}

export interface ProgressReporter {
  readonly counters: IndexingCounters;
  phase(phase: IndexingCounters['phase'], extra?: Record<string, unknown>): void;
  stop(): void;
}

/**
 * Sends the counters at a fixed interval (default 0.8 s: headroom for a busy event loop) and at every phase
 * change, so a client sees progress at least once a second however uneven the work is (the processor yields to
 * the event loop between files).
 * Rates count the indexing phase only: scanning and waiting would make the first estimates wrong.
 */
export function startProgress(emit: (data: Record<string, unknown>) => Promise<void>, intervalMs = 800): ProgressReporter {
  const counters: IndexingCounters = {
    phase: 'scanning',
    filesSeen: 0,
    filesChecked: 0,
    filesChanged: 0,
    filesSkipped: 0,
    filesFailed: 0,
    filesDeleted: 0,
    chunksEmbedded: 0,
    chunksReused: 0,
  };
  const startedAt = Date.now();
  let indexingSince: number | undefined;
  let extraData: Record<string, unknown> = {};

  const snapshot = (): Record<string, unknown> => {
    const now = Date.now();
    const seconds = indexingSince === undefined ? 0 : Math.max(0.001, (now - indexingSince) / 1000);
    const filesPerSecond = seconds > 0 ? counters.filesChecked / seconds : 0;
    const remaining = Math.max(0, counters.filesSeen - counters.filesChecked);
    return {
      ...counters,
      ...extraData,
      elapsedMs: now - startedAt,
      filesPerSecond: round(filesPerSecond),
      chunksPerSecond: round(seconds > 0 ? counters.chunksEmbedded / seconds : 0),
      etaSeconds: counters.phase === 'indexing' && filesPerSecond > 0 ? round(remaining / filesPerSecond) : null,
    };
  };
  // Progress is a snapshot: the next one (every interval, and the final one) supersedes a lost one.
  const send = () => void emit(snapshot()).catch(() => {});
  const timer = setInterval(send, intervalMs);
  timer.unref();

  return {
    counters,
    phase(phase, extra = {}) {
      if (phase === 'indexing' && indexingSince === undefined) indexingSince = Date.now();
      counters.phase = phase;
      extraData = extra;
      send();
    },
    stop: () => clearInterval(timer),
  };
}

const round = (value: number) => Math.round(value * 10) / 10;
