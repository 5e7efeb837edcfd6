import { promises as fs } from 'node:fs';
import { AppError } from '../../src/errors.js';
import type { DesignNodeInput } from '../../src/designs/design-graph.js';
import { designNodes } from './design-nodes.js';
import { parseFigmaFile } from './figma-file.js';

export interface ReadDesignRequest {
  /** A real path inside the allowed roots (checked at enqueue and again by the processor)… */
  path?: string;
  /** …or the bytes of a downloaded response (fetch-design-file.ts). */
  bytes?: Uint8Array;
  maxBytes: number;
}

export interface DesignFileContent {
  name: string;
  version: string;
  lastModified: string;
  nodes: DesignNodeInput[];
}

/** What the task hands back: the content, or the refusal (an AppError does not survive the trip between threads). */
export type ReadDesignOutcome = { ok: true; content: DesignFileContent } | { ok: false; code: 'BAD_INPUT' | 'PAYLOAD_TOO_LARGE'; message: string };

/**
 * A CPU-pool task (src/cpu): reads, parses and flattens a Figma file response off the event loop — files of
 * big design systems run to tens of megabytes of JSON.
 */
export async function readDesignFile(request: ReadDesignRequest): Promise<ReadDesignOutcome> {
  try {
    return { ok: true, content: await read(request) };
  } catch (error) {
    if (error instanceof AppError && (error.code === 'BAD_INPUT' || error.code === 'PAYLOAD_TOO_LARGE'))
      return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}

async function read(request: ReadDesignRequest): Promise<DesignFileContent> {
  const size = request.bytes ? request.bytes.byteLength : (await fs.stat(request.path ?? '')).size;
  if (size > request.maxBytes) {
    throw new AppError('PAYLOAD_TOO_LARGE', `the Figma file is ${size} bytes; at most ${request.maxBytes} are read`, { via: 'figma' });
  }
  let json: unknown;
  try {
    const text = request.bytes ? new TextDecoder().decode(request.bytes) : await fs.readFile(request.path ?? '', 'utf8');
    json = JSON.parse(text);
  } catch (error) {
    throw new AppError('BAD_INPUT', `the Figma file is not JSON: ${(error as Error).message}`, { via: 'figma' });
  }
  const file = parseFigmaFile(json, 'the file');
  return { name: file.name, version: file.version, lastModified: file.lastModified, nodes: designNodes(file) };
}
