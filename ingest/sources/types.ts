/**
 * The contract between the research agent and every source adapter (web pages, HTTP/JSON APIs, npm, …).
 * Adapters are small: they turn a query into references and a reference into a document. Cross-cutting
 * policies (rate limits, retries, circuit breaking, timeouts: `src/policies/`) wrap them (`with-policies.ts`).
 */
import type { PolicyEvent, PolicyLogger, RateLimiter } from '../../src/policies/types.js';

export type { RateLimiter };
export type SourceLogger = PolicyLogger;
export type SourceEvent = PolicyEvent;

export interface SourceContext {
  /** Cancellation from the job (cooperative cancel, lease loss). An abort is never retried. */
  signal: AbortSignal;
  /** Every network request an adapter makes takes one token first, including robots.txt and retries. */
  limiter: RateLimiter;
  credentials?: Record<string, string>;
  /** The job's tenant: sources that read tenant-scoped data (the knowledge graph) refuse to run without it. */
  tenant?: string;
  logger?: SourceLogger;
  onEvent?: (event: SourceEvent) => void;
}

export interface SourceRef {
  url: string;
  title?: string;
  snippet?: string;
}

export interface FetchedDocument {
  /** Canonical URL of the final (post-redirect) location: the stable id the graph MERGEs on. */
  url: string;
  finalUrl: string;
  title: string;
  text: string;
  /** When the content was last downloaded or revalidated (ISO 8601). */
  fetchedAt: string;
  contentType?: string;
  etag?: string;
  lastModified?: string;
  /** When the content itself was written or last changed (ISO 8601), where the source knows it. */
  publishedAt?: string;
  status: number;
  /** True when a conditional GET got 304 and the cached copy was served. */
  fromCache?: boolean;
}

export interface SourceAdapter {
  readonly name: string;
  search(query: string, ctx: SourceContext): Promise<SourceRef[]>;
  fetch(ref: SourceRef, ctx: SourceContext): Promise<FetchedDocument>;
}

/** For callers that have no shared budget (one-off CLI runs, unit tests). */
export const unlimitedRateLimiter: RateLimiter = {
  async acquire(signal?: AbortSignal) {
    signal?.throwIfAborted();
  },
};
