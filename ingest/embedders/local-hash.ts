import { setImmediate as nextTurn } from 'node:timers/promises';
import { createFeatureTable } from './feature-table.js';
import { AppError } from '../../src/errors.js';
import { LOCAL_HASH_VERSION, type EmbedOptions, type Embedder } from '../../src/embeddings/types.js';

export interface LocalHashEmbedderOptions {
  /** Default 1024, the size of BGE-M3 vectors, so both fit the same vector column. */
  dimensions?: number;
}

export { LOCAL_HASH_VERSION };

/**
 * The embedder used when no embedding endpoint is configured: deterministic feature hashing, no model, no
 * network. It finds texts that share words, identifiers and word pieces, not texts that mean the same thing
 * in other words. Changing anything in the features changes the vectors: bump LOCAL_HASH_VERSION with it.
 */
export function createLocalHashEmbedder(options: LocalHashEmbedderOptions = {}): Embedder {
  const dimensions = options.dimensions ?? 1024;
  if (!Number.isInteger(dimensions) || dimensions < 1) {
    throw new AppError('BAD_INPUT', `embedder dimensions must be a positive integer, got ${dimensions}`, { via: 'embeddings' });
  }
  return {
    id: `${LOCAL_HASH_VERSION}:${dimensions}`,
    dimensions,
    async embed(texts: string[], embedOptions: EmbedOptions = {}): Promise<number[][]> {
      const vectors: number[][] = [];
      for (let i = 0; i < texts.length; i += 1) {
        // CPU-bound: give the event loop a turn now and then, so a worker keeps renewing its job lease.
        if (i > 0 && i % 64 === 0) await nextTurn();
        embedOptions.signal?.throwIfAborted();
        vectors.push(localHashVector(texts[i]!, dimensions));
      }
      return vectors;
    },
  };
}

const WEIGHTS = [1, 0.5, 0.35];
const WORD = 0;
const BIGRAM = 1;
const CHAR_GRAM = 2;
const SEED_WORD = 0x811c9dc5;
const SEED_BIGRAM = 0x2f6b3a1d;
const SEED_CHAR = 0x5bd1e995;
const FNV_PRIME = 0x01000193;
/** 1 + ln(tf) for small counts, the common case. */
const SUBLINEAR = Array.from({ length: 256 }, (_, tf) => (tf === 0 ? 0 : 1 + Math.log(tf)));

// Shared scratch space: localHashVector runs synchronously to the end, so one table serves every call.
const table = createFeatureTable();
let partStarts = new Int32Array(256);
let partEnds = new Int32Array(256);
let partCount = 0;

const STOP_WORD_LIST = 'a an and are as at be by for from has have in is it its of on or that the this to was were will with';
const STOP_WORDS = new Set(STOP_WORD_LIST.split(' ').map((word) => hashRange(word, 0, word.length, SEED_WORD, false)));
const MAX_STOP_WORD_LENGTH = 4;

/**
 * Word unigrams and bigrams plus character 3..5-grams of each word, from lowercased tokens split at
 * camelCase and snake_case boundaries (`parseHttpHeader` also counts as `parse`, `http`, `header`).
 * Each feature adds ±(1 + ln tf) × its class weight to one of `dimensions` buckets; the result is L2-normalized.
 */
export function localHashVector(text: string, dimensions: number): number[] {
  table.reset();
  let previous = -1;
  const length = text.length;
  let i = 0;
  while (i < length) {
    if (!isWordCode(text.charCodeAt(i))) {
      i += 1;
      continue;
    }
    let end = i + 1;
    while (end < length && isWordCode(text.charCodeAt(end))) end += 1;
    previous = addToken(text, i, end, previous);
    i = end;
  }
  if (table.size === 0) table.add(hashRange('\u0000empty', 0, 6, SEED_WORD, false), WORD);

  const vector = new Float64Array(dimensions);
  table.forEach((hash, featureClass, tf) => {
    const value = WEIGHTS[featureClass]! * (SUBLINEAR[tf] ?? 1 + Math.log(tf));
    vector[hash % dimensions]! += hash & 0x80000000 ? -value : value;
  });
  let norm = 0;
  for (let d = 0; d < dimensions; d += 1) norm += vector[d]! * vector[d]!;
  norm = Math.sqrt(norm) || 1;
  const result = new Array<number>(dimensions);
  for (let d = 0; d < dimensions; d += 1) result[d] = vector[d]! / norm;
  return result;
}

/** Adds the features of text[start, end) and returns the hash of its last word (-1 after a stop word). */
function addToken(text: string, start: number, end: number, previousWord: number): number {
  splitIdentifier(text, start, end);
  let previous = previousWord;
  for (let p = 0; p < partCount; p += 1) {
    const from = partStarts[p]!;
    const to = partEnds[p]!;
    const word = hashRange(text, from, to, SEED_WORD, true);
    if (to - from <= MAX_STOP_WORD_LENGTH && STOP_WORDS.has(word)) {
      previous = -1;
      continue;
    }
    table.add(word, WORD);
    if (previous !== -1) table.add(fmix(Math.imul(previous, 0x9e3779b1) ^ word ^ SEED_BIGRAM), BIGRAM);
    previous = word;
    if (to - from > 1 && !allDigits(text, from, to)) addCharGrams(text, from, to);
  }
  // The identifier as a whole counts too: `getuser` should still find `getUser`.
  if (partCount > 1) table.add(hashRange(text, start, end, SEED_WORD, true, true), WORD);
  return previous;
}

/** Fills partStarts/partEnds with the pieces of an identifier: `HTTPServer_v2` → `HTTP`, `Server`, `v2`. */
function splitIdentifier(text: string, start: number, end: number): void {
  partCount = 0;
  if (partStarts.length < end - start) {
    partStarts = new Int32Array(end - start);
    partEnds = new Int32Array(end - start);
  }
  let from = start;
  for (let i = start; i < end; i += 1) {
    const code = text.charCodeAt(i);
    let cut = -1;
    let next = from;
    if (code === 95) {
      cut = i;
      next = i + 1;
    } else if (i > from) {
      const before = text.charCodeAt(i - 1);
      if (isUpper(code) && (isLower(before) || isDigit(before))) {
        cut = i;
        next = i;
      } else if (isLower(code) && isUpper(before) && i - 1 > from) {
        cut = i - 1;
        next = i - 1;
      }
    }
    if (cut === -1) continue;
    if (cut > from) {
      partStarts[partCount] = from;
      partEnds[partCount] = cut;
      partCount += 1;
    }
    from = next;
  }
  if (end > from) {
    partStarts[partCount] = from;
    partEnds[partCount] = end;
    partCount += 1;
  }
}

/** Lowercased pieces of an identifier, as the embedder sees them: `HTTPServer_v2` → `http`, `server`, `v2`. */
export function identifierParts(raw: string): string[] {
  splitIdentifier(raw, 0, raw.length);
  return Array.from(partStarts.subarray(0, partCount), (from, p) => raw.slice(from, partEnds[p]).toLowerCase());
}

function addCharGrams(text: string, from: number, to: number): void {
  // Word boundaries (codes 2 and 3) are part of the grams, so prefixes and suffixes count apart.
  const last = to - from + 1;
  for (let start = 0; start + 2 <= last; start += 1) {
    let hash = SEED_CHAR;
    const stop = Math.min(start + 4, last);
    for (let k = start; k <= stop; k += 1) {
      const code = k === 0 ? 2 : k === last ? 3 : lowerCode(text.charCodeAt(from + k - 1));
      hash = Math.imul(hash ^ code, FNV_PRIME);
      if (k - start >= 2) table.add(fmix(hash), CHAR_GRAM);
    }
  }
}

/** FNV-1a over (lowercased) UTF-16 code units, then murmur3's finalizer: FNV alone mixes the low bits poorly. */
function hashRange(text: string, from: number, to: number, seed: number, lower: boolean, skipUnderscore = false): number {
  let hash = seed;
  for (let i = from; i < to; i += 1) {
    const code = text.charCodeAt(i);
    if (skipUnderscore && code === 95) continue;
    hash = Math.imul(hash ^ (lower ? lowerCode(code) : code), FNV_PRIME);
  }
  return fmix(hash);
}

function fmix(input: number): number {
  let hash = input ^ (input >>> 16);
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

// Non-ASCII code units are classified and lowercased once, then looked up (0 = not known yet).
const WORD_CLASS = new Uint8Array(65536);
const LOWER = new Uint16Array(65536);
const NON_ASCII_WORD = /[\p{L}\p{N}]/u;

function isWordCode(code: number): boolean {
  if (code < 128) return isLower(code) || isUpper(code) || isDigit(code) || code === 95;
  let known = WORD_CLASS[code]!;
  if (known === 0) {
    known = NON_ASCII_WORD.test(String.fromCharCode(code)) ? 1 : 2;
    WORD_CLASS[code] = known;
  }
  return known === 1;
}

function lowerCode(code: number): number {
  if (code < 128) return isUpper(code) ? code + 32 : code;
  let lower = LOWER[code]!;
  if (lower === 0) {
    lower = String.fromCharCode(code).toLowerCase().charCodeAt(0);
    LOWER[code] = lower;
  }
  return lower;
}

function allDigits(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

const isUpper = (code: number): boolean => code >= 65 && code <= 90;
const isLower = (code: number): boolean => code >= 97 && code <= 122;
const isDigit = (code: number): boolean => code >= 48 && code <= 57;
