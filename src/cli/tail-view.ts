import cliProgress from 'cli-progress';
import type { BusEvent } from '../events/event-types.js';
import { terminal } from './terminal-output.js';

/** How far a job is, as its progress event says: a count done of a total, and what it is doing. */
export interface JobProgress {
  value: number;
  total: number;
  label: string;
}

const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);

/**
 * The count in a `<area>.progress` event, whichever agent sent it: indexing counts files (`filesChecked` of
 * `filesSeen`), build and execute count steps (`index` from 0 of `of`; a step counts once it is past `started`),
 * others a 1-based `step` of `of`. Undefined when the event has no count (a phase only): that stays a line.
 */
export function progressOf(event: BusEvent): JobProgress | undefined {
  if (!event.type.endsWith('.progress')) return undefined;
  const data = event.data;
  const phase = text(data.phase);
  const files = num(data.filesSeen);
  if (files !== undefined && files > 0) return { value: Math.min(num(data.filesChecked) ?? 0, files), total: files, label: `${phase ?? 'indexing'} files` };
  const of = num(data.of);
  if (of === undefined || of <= 0) return undefined;
  const index = num(data.index);
  const done = index !== undefined ? index + (phase === 'started' ? 0 : 1) : num(data.step);
  if (done === undefined) return undefined;
  const label = [text(data.step), phase].filter((part) => part !== undefined && part !== String(done)).join(' ');
  return { value: Math.min(Math.max(done, 0), of), total: of, label: label || 'steps' };
}

/** One line per event: seq, type and what it says (a build's log line as is). */
export function eventLine(event: BusEvent, paint = terminal().paint): string {
  const data = event.data;
  const body = event.type.endsWith('.log') && typeof data.line === 'string' ? data.line : JSON.stringify(data);
  const style =
    event.type === 'job.dead'
      ? 'red'
      : event.type.endsWith('.done')
        ? 'green'
        : event.type.endsWith('.error') || event.type === 'job.retrying'
          ? 'yellow'
          : 'cyan';
  return `${String(event.seq).padStart(4)} ${event.ts} ${paint(style, event.type)} ${body}`;
}

export interface TailView {
  show(event: BusEvent): void;
  /** Leaves the bar drawn where it ended, and the cursor below it. */
  close(): void;
}

/**
 * What `cogo jobs tail` prints. `--json`: one event per line, as the API sent it. On a terminal: progress events
 * with a count drive a progress bar, every other event is a line printed above it. Anywhere else (a pipe, a
 * file, CI): a plain line per event, progress included.
 */
export function createTailView(options: { json?: boolean; stream?: NodeJS.WriteStream }): TailView {
  const stream = options.stream ?? process.stdout;
  const write = (line: string) => void stream.write(`${line}\n`);
  if (options.json) return { show: (event) => write(JSON.stringify(event)), close() {} };
  const tty = terminal(stream);
  if (!stream.isTTY) return { show: (event) => write(eventLine(event, tty.paint)), close() {} };
  const bars = new cliProgress.MultiBar(
    { stream, format: '{bar} {value}/{total} {label}', hideCursor: true, clearOnComplete: false, autopadding: true },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  return {
    show(event) {
      const progress = progressOf(event);
      // Lines logged to the bars appear at their next redraw; before there is a bar, nothing redraws.
      if (!progress) return bar ? bars.log(`${eventLine(event, tty.paint)}\n`) : write(eventLine(event, tty.paint));
      const payload = { label: progress.label };
      if (!bar) bar = bars.create(progress.total, progress.value, payload);
      bar.setTotal(progress.total);
      bar.update(progress.value, payload);
    },
    close() {
      if (!bar) return;
      bars.update(); // the lines logged since the last redraw (the job's last events)
      bars.stop();
    },
  };
}
