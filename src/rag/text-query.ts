import type { TextQuery } from '../vectors/index.js';

/**
 * Turns a search box query into the two full-text passes of the vector store. `strict` is the query as
 * `websearch_to_tsquery` reads it: every word required, quotes and `-word` honoured. `anyOf` holds its plain
 * words for a looser pass that needs only one of them: a natural question ("how are vanished files removed")
 * rarely has every word in one chunk. Stop words and single characters never narrow anything, so they are
 * dropped; a query written in websearch syntax (quotes, `or`, `-word`) is taken as meant and not loosened.
 */
const STOP_WORDS = new Set(
  (
    'a an and are as at be but by can do does for from has have how i if in into is it its of on or so that the their ' +
    'then there these this to was were what when where which who why will with you your'
  ).split(' '),
);
const WEBSEARCH_SYNTAX = /"|(?:^|\s)-\S|\sor\s/i;
const WORD = /[\p{L}\p{N}_]+/gu;

/**
 * Quotes, `-word` or an upper-case `OR`: the user wrote websearch syntax, which Postgres full-text honours and BM25
 * would not. A lower-case "or" is taken as a word here: natural questions say "read or write".
 */
export function usesWebsearchSyntax(query: string): boolean {
  return /"|(?:^|\s)-\S|\sOR\s/.test(query.trim());
}

export function toTextQuery(query: string): TextQuery {
  const strict = query.trim();
  if (WEBSEARCH_SYNTAX.test(strict)) return { strict, anyOf: [] };
  const words = [...new Set((strict.match(WORD) ?? []).map((w) => w.toLowerCase()))].filter((w) => w.length > 1 && !STOP_WORDS.has(w));
  return { strict, anyOf: words };
}
