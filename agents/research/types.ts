import type { SourceRef } from '../../ingest/sources/index.js';
import type { ErrorCode } from '../../src/errors.js';
import type { Signature } from './minhash.js';

import type { SourceKind, SourceNode } from '../../src/evidence/types.js';

export type { SourceKind, SourceNode };

export interface DuplicateNote {
  url: string;
  /** `url`: same canonical URL; `exact`: same content hash; `near`: MinHash similarity over the threshold. */
  kind: 'url' | 'exact' | 'near';
  similarity?: number;
}

/** One evidence item as events, results and GraphQL show it (the normalized shape plus provenance). */
export interface EvidenceItem {
  /** Derived from tenant + content hash: the same text is the same Evidence node, whoever finds it again. */
  id: string;
  /** The `(:Source)` node: one per tenant, source kind and site (host) or registry. */
  sourceId: string;
  /** Canonical URL (or `graph://…` for graph nodes that have none). */
  url: string;
  title: string;
  quote: string;
  retrievedAt: string;
  contentHash: string;
  /** 0–1; provisional in `research.partial`, final in `research.done`. */
  score: number;
  /** The source key the item came through, e.g. `web:example.com`, `npm`, `graph`. */
  source: string;
  kind: SourceKind;
  publishedAt?: string;
  duplicates?: DuplicateNote[];
  /** Ids of items this one contradicts (see merge.ts for what counts). */
  conflictsWith?: string[];
}

/** An item while the job runs: the evidence plus what merging and ranking need and nobody else sees. */
export interface Candidate {
  item: EvidenceItem;
  text: string;
  signature: Signature;
  /** Stemmed question term → occurrences in title (counted twice) and text. */
  termFreq: Map<string, number>;
  /** Tokens in title + text: BM25's document length. */
  length: number;
  /** The caller named this URL or package explicitly. */
  hinted: boolean;
  sourceNode: SourceNode;
  /** False for evidence the graph source returned: it already has its provenance (`FROM`). */
  linkSource: boolean;
  /** The indexed node graph-found evidence quotes (`CITES`). */
  cites?: { label: 'Chunk' | 'Document' | 'Entity'; id: string } | null;
}

export interface SearchTask {
  key: string;
  source: string;
  kind: SourceKind;
  query: string;
}

export interface FetchTask {
  key: string;
  source: string;
  kind: SourceKind;
  ref: SourceRef;
  hinted: boolean;
}

/** Something research could not use, as the result and `research.log` report it. Never carries credentials. */
export interface Failure {
  source: string;
  target: string;
  op: 'search' | 'fetch' | 'hint';
  code: ErrorCode;
  message: string;
  /** A policy refusal (SSRF, scheme, robots.txt, unknown hint) rather than an upstream failure. */
  refused: boolean;
  /** Another attempt of the job might succeed (429, 5xx, timeouts, an open breaker). */
  retryable: boolean;
}

export interface Conflict {
  kind: 'content-changed' | 'numbers';
  ids: [string, string];
  detail: string;
}
