import { splitIdentifier } from './identifier-parts.js';

/**
 * The terms of COGO's lexical (BM25) index, one function for both sides: what a chunk is indexed under and what
 * a query looks for, so the two always agree.
 *
 * - Code: an identifier counts whole and by its parts (`createReadStream` → `createreadstream`, `create`, `read`,
 *   `stream`; snake_case and `$`-prefixed names too: `$emit` → `$emit`, `emit`); a dotted name counts whole as well
 *   (`fs.promises.FileHandle.readLines` → that, plus each segment and its parts).
 * - Korean (Hangul): character bigrams of each run (`검색은` → `검색`, `색은`), so a query word matches the same word
 *   with a particle attached or inside a compound, with no dictionary. A lone syllable is left out.
 * - Other words: lowercased; English stop words and single letters dropped.
 */
const TOKEN = /[\p{L}\p{N}_$]+(?:\.[\p{L}\p{N}_$]+)*/gu;
const HANGUL_RUN = /[\u1100-\u11FF\u3130-\u318F\uAC00-\uD7AF]+|[^\u1100-\u11FF\u3130-\u318F\uAC00-\uD7AF]+/g;
const HANGUL = /[\u1100-\u11FF\u3130-\u318F\uAC00-\uD7AF]/;
const STOP_WORDS = new Set(
  (
    'a an and are as at be but by can do does for from has have how i if in into is it its of on or so that the their ' +
    'then there these this to was were what when where which who why will with you your'
  ).split(' '),
);
/** Past this many characters a "word" is data (a hash, base64), not something anyone searches for. */
const MAX_TERM_CHARS = 64;

/** Adds the terms of `text` to `into`, each occurrence weighing `weight`. */
export function addTerms(text: string, weight: number, into: Map<string, number>): Map<string, number> {
  const add = (term: string) => {
    if (term.length > MAX_TERM_CHARS) return;
    into.set(term, (into.get(term) ?? 0) + weight);
  };
  for (const [token] of text.matchAll(TOKEN)) {
    if (HANGUL.test(token)) {
      for (const [run] of token.matchAll(HANGUL_RUN)) {
        if (HANGUL.test(run)) hangulBigrams(run, add);
        else wordTerms(run, add);
      }
      continue;
    }
    wordTerms(token, add);
  }
  return into;
}

/** The distinct terms of a query, in order of first appearance. */
export function queryTerms(query: string): string[] {
  return [...addTerms(query, 1, new Map()).keys()];
}

function hangulBigrams(run: string, add: (term: string) => void): void {
  const chars = [...run];
  // A lone syllable is mostly a particle stuck to code (`readFile로`) or a word too short to search for.
  for (let i = 0; i + 1 < chars.length; i += 1) add(chars[i]! + chars[i + 1]!);
}

function wordTerms(token: string, add: (term: string) => void): void {
  const segments = token.split('.').filter((segment) => segment !== '');
  if (segments.length > 1) add(segments.join('.').toLowerCase());
  for (const segment of segments) identifierTerms(segment, add);
}

function identifierTerms(raw: string, add: (term: string) => void): void {
  const name = raw.replace(/^\$+/, '');
  const bare = name.toLowerCase();
  if (name !== raw && bare !== '') add(raw.toLowerCase());
  const parts = splitIdentifier(name);
  if (parts.length > 1) add(bare);
  else if (isWord(bare)) add(bare);
  if (parts.length > 1) for (const part of parts) if (isWord(part)) add(part);
}

const isWord = (term: string) => term.length > 1 && !STOP_WORDS.has(term);

/** Field weights of a chunk's terms: a name the chunk declares counts most, then its headings and path, then its text. */
export const FIELD_WEIGHTS = { names: 3, context: 2, path: 2, body: 1 } as const;

/** A chunk's BM25 postings: weighted term frequencies, and its length (the sum of the weights). */
export interface LexicalTerms {
  terms: Map<string, number>;
  length: number;
}

/**
 * The weighted terms of one chunk and its BM25 length (the sum of the weights). `metadata.symbols` holds
 * `kind name` strings from the chunker, `metadata.names` container-qualified declaration names
 * (`fs.promises.FileHandle.readLines`), `metadata.context` the heading path or the declaration it is a piece of.
 */
export function chunkTerms(chunk: { path: string; content: string; metadata: Record<string, unknown> }): LexicalTerms {
  const terms = new Map<string, number>();
  const { metadata } = chunk;
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  for (const symbol of strings(metadata.symbols)) addTerms(symbol.slice(symbol.indexOf(' ') + 1), FIELD_WEIGHTS.names, terms);
  for (const name of strings(metadata.names)) addTerms(name, FIELD_WEIGHTS.names, terms);
  if (typeof metadata.context === 'string') addTerms(metadata.context, FIELD_WEIGHTS.context, terms);
  addTerms(chunk.path, FIELD_WEIGHTS.path, terms);
  addTerms(chunk.content, FIELD_WEIGHTS.body, terms);
  let length = 0;
  for (const weight of terms.values()) length += weight;
  return { terms, length };
}
