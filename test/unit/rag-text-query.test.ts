import { describe, expect, it } from 'vitest';
import { toTextQuery } from '../../src/rag/text-query.js';

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
