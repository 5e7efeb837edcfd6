import { describe, expect, it } from 'vitest';
import { EXTRACTIVE_NOTICE, extractiveAnswer } from '../../src/llm/extractive.js';
import type { Passage } from '../../src/llm/answer-types.js';

const passages: Passage[] = [
  { id: 'chunk-1', ref: 'README.md:10-14', text: 'COGO listens on port 4000 by default. Set COGO_PORT to change it.' },
  { id: 'chunk-2', ref: 'docs/indexing.md:3-5', text: 'Indexing reads changed files only. Embeddings are stored in pgvector.' },
  { id: 'ev-ko', ref: 'https://example.org/ko', text: '기본 포트는 4000입니다. 설정은 환경 변수로 합니다.' },
];

describe('extractiveAnswer', () => {
  it('quotes the matching sentences verbatim with their passage ids and says it is extractive', () => {
    const answer = extractiveAnswer('Which port does COGO listen on?', passages);
    expect(answer.provider).toBe('extractive');
    expect(answer.notice).toBe(EXTRACTIVE_NOTICE);
    expect(answer.sentences[0]).toEqual({ text: '"COGO listens on port 4000 by default."', citations: ['chunk-1'] });
    expect(answer.text).toContain('"COGO listens on port 4000 by default." [chunk-1]');
  });

  it('cites only retrieved passages, and every quoted sentence is a passage substring', () => {
    const answer = extractiveAnswer('where are embeddings stored and which port', passages);
    const ids = new Set(passages.map((p) => p.id));
    expect(answer.sentences.length).toBeGreaterThan(1);
    for (const sentence of answer.sentences) {
      expect(sentence.citations.every((c) => ids.has(c))).toBe(true);
      const passage = passages.find((p) => p.id === sentence.citations[0])!;
      expect(passage.text).toContain(sentence.text.slice(1, -1));
    }
  });

  it('answers a Korean question from a Korean passage', () => {
    const answer = extractiveAnswer('기본 포트는 무엇인가요?', passages);
    expect(answer.sentences[0]?.citations).toEqual(['ev-ko']);
  });

  it('says so, and cites nothing, when no passage matches', () => {
    const answer = extractiveAnswer('quantum chromodynamics', passages);
    expect(answer.sentences).toEqual([]);
    expect(answer.text).toBe('No retrieved passage answers this question.');
  });
});
