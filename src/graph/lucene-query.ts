const MAX_TERMS = 32;

/**
 * Free text → a Lucene query of OR-ed terms. Only letters and digits survive, so no Lucene syntax (quotes,
 * wildcards, field names, `AND`) can be injected through a research question.
 */
export function toLuceneQuery(text: string): string {
  const terms = [...new Set((text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((t) => t.length > 1))];
  return terms.slice(0, MAX_TERMS).join(' OR ');
}
