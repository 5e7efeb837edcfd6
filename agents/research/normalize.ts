import { createHash } from 'node:crypto';
import type { FetchedDocument } from '../../ingest/sources/index.js';
import { citedNode } from './graph-source.js';
import { signature } from './minhash.js';
import { clip, normalizeForHash, sentences, stem, tokenize } from './text.js';
import type { Candidate, FetchTask, SourceKind, SourceNode } from './types.js';

/** What is stored and hashed: enough for quotes, dedup and the fulltext index, not a mirror of the web. */
export const MAX_TEXT_CHARS = 20_000;
export const MAX_QUOTE_CHARS = 400;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function contentHashOf(text: string): string {
  return sha256(normalizeForHash(text));
}

/** Tenant + content hash: a rerun, another job or another URL with the same text MERGEs onto the same node. */
export function evidenceIdOf(tenant: string, contentHash: string): string {
  return `ev-${sha256(`${tenant}\n${contentHash}`).slice(0, 32)}`;
}

export function sourceNodeOf(tenant: string, kind: SourceKind, name: string, url: string | null): SourceNode {
  return { id: `src-${sha256(`${tenant}\n${kind}\n${name}`).slice(0, 24)}`, kind, name, url };
}

/** The stemmed question terms a quote and the ranking look for. */
export function questionTerms(keywords: readonly string[]): string[] {
  return [...new Set(keywords.map(stem))];
}

/**
 * The passage that answers best: the run of consecutive sentences (up to `max` characters) that contains the
 * most distinct question terms, starting on a sentence that has one; the earliest wins ties, and with no term
 * anywhere the lead is used.
 */
export function selectQuote(text: string, terms: readonly string[], max = MAX_QUOTE_CHARS): string {
  const parts = sentences(text);
  if (parts.length === 0) return '';
  const wanted = new Set(terms);
  let best = { score: 0, start: 0, end: 1 };
  const hasTerm = (sentence: string) => tokenize(sentence).some((t) => wanted.has(stem(t)));
  for (let start = 0; start < parts.length; start++) {
    // A quote starts where the answer starts, not on the filler before it.
    if (!hasTerm(parts[start] as string)) continue;
    let length = 0;
    const found = new Set<string>();
    let end = start;
    while (end < parts.length && (end === start || length + (parts[end] as string).length + 1 <= max)) {
      length += (parts[end] as string).length + 1;
      for (const token of tokenize(parts[end] as string)) if (wanted.has(stem(token))) found.add(stem(token));
      end++;
    }
    if (found.size > best.score) best = { score: found.size, start, end };
  }
  return clip((best.score > 0 ? parts.slice(best.start, best.end) : parts).join(' '), max);
}

function toIso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

/** Question-term counts (title counted twice) and the token length BM25 normalizes by. */
export function countTerms(title: string, text: string, terms: ReadonlySet<string>): { termFreq: Map<string, number>; length: number } {
  const termFreq = new Map<string, number>();
  const titleTokens = tokenize(title);
  const textTokens = tokenize(text);
  const add = (token: string, weight: number) => {
    const s = stem(token);
    if (terms.has(s)) termFreq.set(s, (termFreq.get(s) ?? 0) + weight);
  };
  for (const token of titleTokens) add(token, 2);
  for (const token of textTokens) add(token, 1);
  return { termFreq, length: titleTokens.length * 2 + textTokens.length };
}

export interface NormalizeContext {
  tenant: string;
  terms: readonly string[];
  sourceNode: SourceNode;
}

/** A fetched document → a candidate evidence item. Undefined when the document has no readable text. */
export function toCandidate(doc: FetchedDocument, task: FetchTask, context: NormalizeContext): Candidate | undefined {
  const text = doc.text.trim().slice(0, MAX_TEXT_CHARS);
  if (!text) return undefined;
  const contentHash = contentHashOf(text);
  const title = clip((doc.title || doc.url).trim(), 300);
  const { termFreq, length } = countTerms(title, text, new Set(context.terms));
  const publishedAt = toIso(doc.publishedAt) ?? toIso(doc.lastModified);
  return {
    item: {
      id: evidenceIdOf(context.tenant, contentHash),
      sourceId: context.sourceNode.id,
      url: doc.url,
      title,
      quote: selectQuote(text, context.terms),
      retrievedAt: toIso(doc.fetchedAt) ?? new Date().toISOString(),
      contentHash,
      score: 0,
      source: task.source,
      kind: task.kind,
      ...(publishedAt ? { publishedAt } : {}),
    },
    text,
    signature: signature(text),
    termFreq,
    length,
    hinted: task.hinted,
    sourceNode: context.sourceNode,
    linkSource: !(task.kind === 'graph' && task.ref.url.startsWith('graph://evidence/')),
    cites: task.kind === 'graph' ? citedNode(task.ref.url) : null,
  };
}
