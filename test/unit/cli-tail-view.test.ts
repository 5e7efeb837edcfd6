import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createTailView, progressOf } from '../../src/cli/tail-view.js';
import type { BusEvent } from '../../src/events/event-types.js';

let seq = 0;
const event = (type: string, data: Record<string, unknown> = {}): BusEvent => ({
  id: `1-${++seq}`,
  seq,
  jobId: 'execute-1',
  traceId: null,
  type,
  ts: '2026-11-30T02:00:00.000Z',
  data,
});

/** A stream that says it is a terminal (what cli-progress draws on) and keeps what was written to it. */
function capture(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY, columns: 100, rows: 30 });
  return { stream, text: () => chunks.join('') };
}

const job = [
  event('meta', { status: 'active' }),
  event('execute.progress', { step: 'fetch', action: 'http.request', index: 0, of: 3, phase: 'started' }),
  event('execute.progress', { step: 'fetch', action: 'http.request', index: 0, of: 3, phase: 'succeeded' }),
  event('execute.progress', { step: 'save', action: 'graph.upsert', index: 1, of: 3, phase: 'succeeded' }),
  event('execute.done', { ok: true }),
];

describe('cogo jobs tail output', () => {
  it("reads a count from each agent's progress events", () => {
    expect(progressOf(event('indexing.progress', { phase: 'indexing', filesChecked: 40, filesSeen: 100 }))).toEqual({
      value: 40,
      total: 100,
      label: 'indexing files',
    });
    expect(progressOf(event('build.progress', { step: 'test', index: 2, of: 4, phase: 'started' }))).toEqual({ value: 2, total: 4, label: 'test started' });
    expect(progressOf(event('build.progress', { step: 'test', index: 2, of: 4, phase: 'finished' }))).toEqual({ value: 3, total: 4, label: 'test finished' });
    expect(progressOf(event('execute.progress', { step: 2, of: 5 }))).toEqual({ value: 2, total: 5, label: 'steps' });
    // No count (a phase only, or a scan that has counted nothing yet): a line, not a bar.
    expect(progressOf(event('research.progress', { phase: 'fetching', planned: 4 }))).toBeUndefined();
    expect(progressOf(event('indexing.progress', { phase: 'scanning', filesChecked: 0, filesSeen: 0 }))).toBeUndefined();
    expect(progressOf(event('execute.done', { index: 1, of: 2 }))).toBeUndefined();
  });

  it('draws a progress bar on a terminal and prints the other events as lines', () => {
    const { stream, text } = capture(true);
    const view = createTailView({ stream });
    for (const e of job) view.show(e);
    view.close();
    const output = text();
    expect(output).toContain('2/3 save succeeded');
    expect(output).toMatch(/[█░]{10,}/);
    expect(output).toContain('execute.done');
    expect(output).toContain(' meta ');
    // The progress events are the bar, not lines of JSON.
    expect(output).not.toContain('"action":"http.request"');
  });

  it('prints plain lines, progress included, when piped; --json prints the events as they came', () => {
    const piped = capture(false);
    const view = createTailView({ stream: piped.stream });
    for (const e of job) view.show(e);
    view.close();
    const lines = piped.text().trim().split('\n');
    expect(lines.map((l) => l.trim().split(' ')[2])).toEqual(['meta', 'execute.progress', 'execute.progress', 'execute.progress', 'execute.done']);
    expect(piped.text()).not.toContain('\u001b[');

    const json = capture(true);
    const jsonView = createTailView({ json: true, stream: json.stream });
    for (const e of job) jsonView.show(e);
    jsonView.close();
    expect(
      json
        .text()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as BusEvent),
    ).toEqual(job);
  });
});
