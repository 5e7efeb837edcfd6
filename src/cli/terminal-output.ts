import { styleText } from 'node:util';
import type { AppError } from '../errors.js';

type Style = Parameters<typeof styleText>[0];

/** Colour only on a terminal that wants it: piped output (and NO_COLOR) stays plain lines for scripts. */
export function terminal(stream: NodeJS.WriteStream = process.stdout) {
  const colour = stream.isTTY === true && !process.env.NO_COLOR;
  return {
    colour,
    paint: (style: Style, text: string) => (colour ? styleText(style, text) : text),
    /** Columns padded to their widest cell; on a pipe, tab-separated (cut/awk-friendly). */
    table(rows: string[][]): string {
      if (!colour) return rows.map((r) => r.join('\t')).join('\n');
      const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
      return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
    },
  };
}

const STATUS_STYLES: Record<string, Style> = {
  completed: 'green',
  active: 'cyan',
  waiting: 'magenta',
  queued: 'blue',
  retrying: 'yellow',
  dead: 'red',
  failed: 'red',
  cancelled: 'gray',
};

export const statusStyle = (status: string): Style => STATUS_STYLES[status] ?? 'white';

const NEXT_STEP: Partial<Record<string, string>> = {
  UNAUTHENTICATED: 'set COGO_API_KEY to an API key (an admin makes one with `cogo keys create`)',
  FORBIDDEN: "the API key lacks this command's scope; ask for a key with it (`cogo keys create --scopes …`)",
  NOT_FOUND: 'check the job id with `cogo jobs ls`',
  RATE_LIMITED: 'wait a moment and run it again',
};

/** One line for stderr: the code, the API's message and, where there is one, what to do next. */
export function describeFailure(what: string, error: AppError): string {
  const next = NEXT_STEP[error.code];
  return `${what} failed: ${error.code}: ${error.message}${next ? `\n  → ${next}` : ''}`;
}
