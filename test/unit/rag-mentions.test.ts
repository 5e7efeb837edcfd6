import { describe, expect, it } from 'vitest';
import { mentionedEntityIds } from '../../agents/indexing/mentions.js';

const names = new Map([
  ['createEmbedder', ['ent_embedder']],
  ['search', ['ent_search_fn']],
  ['MAX_BYTES', ['ent_max']],
  ['main', ['ent_main']],
]);

describe('mentionedEntityIds', () => {
  it('links identifiers that name an entity, each once', () => {
    expect(mentionedEntityIds('const e = createEmbedder(cfg); createEmbedder(x); if (n > MAX_BYTES) {}', 'code-declaration', names)).toEqual([
      'ent_embedder',
      'ent_max',
    ]);
  });

  describe('when a name is a plain lowercase word', () => {
    it('counts it inside code', () => {
      expect(mentionedEntityIds('await search(query)', 'code-declaration', names)).toEqual(['ent_search_fn']);
    });
    it('ignores it in prose, where it is just a word', () => {
      expect(mentionedEntityIds('You can search the index with createEmbedder.', 'markdown-section', names)).toEqual(['ent_embedder']);
    });
  });

  it('never links generic names such as main', () => {
    expect(mentionedEntityIds('main(); main()', 'code-declaration', names)).toEqual([]);
  });
});
