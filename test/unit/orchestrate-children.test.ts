import { describe, expect, it } from 'vitest';
import { planChildren } from '../../agents/orchestrator/children.js';
import { parseOrchestrateInput } from '../../agents/orchestrator/input.js';

const plan = (input: Record<string, unknown>) => planChildren(parseOrchestrateInput(input));

describe('planChildren (role-select)', () => {
  it('plans no child for a question the index answers', () => {
    expect(plan({ question: 'How often are archive keys rotated?' })).toEqual([]);
  });

  it('plans an indexing child for a folder and a research child for the sources, the question and k', () => {
    expect(
      plan({ question: 'What changed?', k: 4, index: { root: '/srv/repo', include: ['docs/**'] }, research: { sources: ['https://example.org/a'] } }),
    ).toEqual([
      { role: 'indexing', type: 'indexing', input: { root: '/srv/repo', include: ['docs/**'] } },
      { role: 'research', type: 'research', input: { question: 'What changed?', sources: ['https://example.org/a'], maxItems: 4 } },
    ]);
  });

  it('reads web pages the question names as research sources', () => {
    const [research] = plan({ question: 'Does https://example.org/changelog, or https://example.org/faq?x=1. mention v2?' });
    expect(research?.input).toMatchObject({ sources: ['https://example.org/changelog', 'https://example.org/faq?x=1'] });
  });

  it('refuses a bad child input before anything is enqueued', () => {
    expect(() => plan({ question: 'q', index: { root: '' } })).toThrow(/index.root/);
    expect(() => plan({ question: 'q', research: { freshness: 'decade' } })).toThrow(/research.freshness/);
  });
});
