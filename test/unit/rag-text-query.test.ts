import { describe, expect, it } from 'vitest';
import { toTextQuery, usesWebsearchSyntax } from '../../src/rag/text-query.js';

describe('toTextQuery', () => {
  it('keeps the query as the strict pass and lists its informative words for the loose one', () => {
    expect(toTextQuery(' How are the vanished files removed? ')).toEqual({
      strict: 'How are the vanished files removed?',
      anyOf: ['vanished', 'files', 'removed'],
    });
  });

  it('keeps identifiers whole, lowercased, each once', () => {
    expect(toTextQuery('resolveIndexRoot resolveIndexRoot max_file_bytes').anyOf).toEqual(['resolveindexroot', 'max_file_bytes']);
  });

  describe('when the query is written in websearch syntax', () => {
    it.each(['"hash based dedup" -langchain', 'pgvector or neo4j', 'tides -moon'])('%s is not loosened', (query) => {
      expect(toTextQuery(query)).toEqual({ strict: query, anyOf: [] });
    });
  });

  it('has no loose words when only stop words remain', () => {
    expect(toTextQuery('  the  ')).toEqual({ strict: 'the', anyOf: [] });
  });
});

describe('usesWebsearchSyntax (which queries skip BM25 for Postgres full-text)', () => {
  it('quotes, -word and an upper-case OR are websearch syntax; a lower-case "or" in a question is a word', () => {
    expect(usesWebsearchSyntax('"archive keys" rotation')).toBe(true);
    expect(usesWebsearchSyntax('harbour -another')).toBe(true);
    expect(usesWebsearchSyntax('cents OR predictTide')).toBe(true);
    expect(usesWebsearchSyntax('may the process read or write a file')).toBe(false);
    expect(usesWebsearchSyntax('two-way messaging')).toBe(false);
  });
});
