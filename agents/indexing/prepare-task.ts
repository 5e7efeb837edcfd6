import { createHash } from 'node:crypto';
import type { ChunkedFile } from '../../ingest/chunk-types.js';
import { chunkFile } from '../../ingest/chunkers/index.js';
import { readIndexableFile } from '../../ingest/read-file.js';
import type { LexicalTerms } from '../../src/vectors/lexical-terms.js';
import { chunkLexicalTerms } from './chunk-lexical.js';
import { documentTitle } from './document-title.js';

export interface PrepareRequest {
  files: { path: string; absolutePath: string; /** Incremental mode: a file whose bytes still hash to this is not chunked. */ unchangedIf: string | null }[];
  /** Every root-relative path of the scan: relative imports resolve against it. */
  knownPaths: string[];
  maxFileBytes: number;
}

export type PrepareOutcome =
  | { path: string; kind: 'unreadable'; detail: string }
  | { path: string; kind: 'same-content'; sha256: string }
  | { path: string; kind: 'chunker-error'; sha256: string; detail: string }
  /** `lexical[i]`: the BM25 terms of `chunked.chunks[i]`. */
  | { path: string; kind: 'prepared'; sha256: string; chunked: ChunkedFile; lexical: LexicalTerms[]; title: string };

/**
 * Runs in a CPU-pool thread (src/cpu): reads, hashes and chunks a group of files and computes the chunks' BM25
 * terms — the TypeScript parse, the chunking and the tokenizing are the CPU-heavy part of indexing, kept off the
 * worker's event loop and its lease renewals.
 */
export async function prepareFiles(request: PrepareRequest): Promise<PrepareOutcome[]> {
  const knownPaths = new Set(request.knownPaths);
  const outcomes: PrepareOutcome[] = [];
  for (const file of request.files) {
    let bytes: Buffer;
    try {
      bytes = await readIndexableFile(file.absolutePath, request.maxFileBytes);
    } catch (error) {
      outcomes.push({ path: file.path, kind: 'unreadable', detail: (error as NodeJS.ErrnoException).code ?? String(error) });
      continue;
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (file.unchangedIf === sha256) {
      outcomes.push({ path: file.path, kind: 'same-content', sha256 });
      continue;
    }
    const text = bytes.toString('utf8');
    try {
      const chunked = chunkFile(file.path, text, { knownPaths });
      const lexical = chunked.chunks.map(chunkLexicalTerms);
      outcomes.push({ path: file.path, kind: 'prepared', sha256, chunked, lexical, title: documentTitle(file.path, text) });
    } catch (error) {
      outcomes.push({ path: file.path, kind: 'chunker-error', sha256, detail: (error as Error).message });
    }
  }
  return outcomes;
}
