/**
 * Turns a search box query into `websearch_to_tsquery` input. Plain words are ORed: websearch syntax ANDs
 * them, and a natural question ("how are vanished files removed") would then match almost nothing. Quotes,
 * `or` and `-word` mean the user wrote websearch syntax on purpose: such a query is passed through as it is.
 * Stop words and single characters are dropped; with the `simple` configuration they would match everywhere.
 */
const STOP_WORDS = new Set(
  ('a an and are as at be but by can do does for from has have how i if in into is it its of on or so that the their ' +
    'then there these this to was were what when where which who why will with you your').split(' '),
);
const WEBSEARCH_SYNTAX = /"|(?:^|\s)-\S|\sor\s/i;
const WORD = /[\p{L}\p{N}_]+/gu;

export function toTextQuery(query: string): string {
  const trimmed = query.trim();
  if (WEBSEARCH_SYNTAX.test(trimmed)) return trimmed;
  const words = [...new Set((trimmed.match(WORD) ?? []).map((w) => w.toLowerCase()))].filter((w) => w.length > 1 && !STOP_WORDS.has(w));
  return words.length > 0 ? words.join(' or ') : trimmed;
}
