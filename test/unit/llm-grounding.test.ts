import { describe, expect, it } from 'vitest';
import { checkGrounding, type GroundingPassage } from '../../src/llm/grounding.js';

const passages: GroundingPassage[] = [
  { id: 'c1', ref: 'README.md:10-12', text: 'COGO listens on port 4000 by default. Set COGO_PORT to change it.' },
  {
    id: 'c2',
    ref: 'docs/indexing.md:3-6',
    text: 'Indexing reads changed files only. A killed job resumes without embedding anything twice. Vectors are stored in pgvector.',
  },
  { id: 'e1', ref: 'https://example.org/queues', text: 'BullMQ runs five queues. Research fetches refuse loopback addresses unless allow-listed.' },
  { id: 'k1', ref: 'docs/ko/README.md:1', text: 'COGO의 기본 포트는 4000입니다. 인덱싱은 변경된 파일만 읽습니다.' },
];
const one = (text: string, citations: string[]) => checkGrounding([{ text, citations }], passages).sentences[0]!;

describe('checkGrounding', () => {
  describe('passes supported sentences', () => {
    it.each([
      ['COGO listens on port 4000 by default.', ['c1']],
      ['By default the port is 4,000; COGO_PORT changes it.', ['c1']],
      ['The README says "Set COGO_PORT to change it."', ['c1']],
      ['A killed indexing job resumes without embedding anything twice.', ['c2']],
      ['BullMQ runs 5 queues, and vectors are stored in pgvector.', ['e1', 'c2']],
      ['COGO의 기본 포트는 4000입니다.', ['k1']],
      ['Here is what I found.', []],
      // Apostrophes inside words are not quotation marks.
      ["Research's fetches refuse loopback addresses unless they're allow-listed.", ['e1']],
      ["The README says 'Set COGO_PORT to change it.'", ['c1']],
    ])('%s', (text, citations) => {
      const verdict = one(text, citations);
      expect(verdict.problems).toEqual([]);
      expect(verdict.supported).toBe(true);
    });
  });

  describe('catches every planted unsupported citation', () => {
    it.each([
      ['a wrong number', 'COGO listens on port 8080 by default.', ['c1'], /number 8080/],
      ['a wrong number word', 'BullMQ runs six queues.', ['e1'], /number 6/],
      ['a name the passage lacks', 'Vectors are stored in Pinecone.', ['c2'], /name Pinecone/],
      ['a fabricated quote', 'The README says "COGO never listens on loopback."', ['c1'], /quoted span/],
      ['a fabricated quote in single quotes', "The README says 'COGO never listens on loopback.'", ['c1'], /quoted span/],
      ['the wrong passage', 'COGO listens on port 4000 by default.', ['c2'], /number 4000|name COGO/],
      ['an id that was never retrieved', 'COGO listens on port 4000 by default.', ['chunk-99'], /not among the retrieved passages/],
      ['a fact without a citation', 'COGO listens on port 4000 by default.', [], /without a citation/],
      ['a flipped negation', 'A killed job does not resume without embedding anything twice.', ['c2'], /negation/],
      ['an opposite', 'Research fetches allow loopback addresses.', ['e1'], /opposite/],
      ['a Korean wrong number', 'COGO의 기본 포트는 8000입니다.', ['k1'], /number 8000/],
      ['a Korean all-for-only swap', '인덱싱은 모든 파일을 읽습니다.', ['k1'], /opposite/],
      ['words the passage does not contain', 'Indexing uses Elasticsearch clusters for ranking documents.', ['c2'], /Elasticsearch|words/],
    ])('%s', (_kind, text, citations, problem) => {
      const verdict = one(text, citations);
      expect(verdict.supported).toBe(false);
      expect(verdict.problems.join('; ')).toMatch(problem);
    });
  });

  describe('checks a sentence against the part of the passage it speaks of', () => {
    const lease: GroundingPassage[] = [
      {
        id: 'l1',
        text: 'A worker renews its lock every 10 seconds while a job runs. If the worker dies, the job is re-claimed within 30 seconds by another worker, and its events continue on the same stream.',
      },
      { id: 'l2', text: 'Each worker runs 4 indexing jobs and 2 build jobs at a time. The log keeps the principal and the time, but never the request body.' },
      { id: 'l3', text: 'The original file is kept for 7 days, then deleted. Research refuses loopback addresses unless COGO_ALLOW_HOSTS admits them.' },
      { id: 'k2', text: '각 결과는 그래프에서 한 단계 확장됩니다. 캐시는 5분 동안 유지됩니다. 쓰기가 일어나면 캐시는 즉시 비워집니다.' },
    ];
    const verdict = (text: string, id: string) => checkGrounding([{ text, citations: [id] }], lease).sentences[0]!;
    it.each([
      ['If a worker dies, another worker re-claims the job within 30 seconds.', 'l1'],
      ['A worker runs 2 build jobs at a time.', 'l2'],
      ['The log keeps the time and the principal.', 'l2'],
      ['The original file is deleted after 7 days.', 'l3'],
      ['Research refuses loopback addresses unless COGO_ALLOW_HOSTS admits them.', 'l3'],
      ['캐시는 5분간 유지됩니다.', 'k2'],
    ])('passes %s', (text, id) => expect(verdict(text, id).problems).toEqual([]));
    it.each([
      ['a number of another fact', 'A worker renews its lock every 30 seconds.', 'l1', /number 30 belongs to another fact/],
      ['a number next to other words', 'A worker runs 2 indexing jobs at a time.', 'l2', /number 2 belongs to another fact/],
      ['a wrong unit', 'A worker renews its lock every 10 minutes.', 'l1', /unit min/],
      ['a negation dropped from the passage', 'The log keeps the request body.', 'l2', /opposite: "but never the request body/],
      ['a loss the passage does not state', 'If a worker dies, the job is lost.', 'l1', /"lost" is not what the cited passage says|ends on "los"/],
      [
        'a predicate the passage does not state',
        'If a worker dies, another worker re-claims the job within 30 seconds and restarts it.',
        'l1',
        /ends on "restart"/,
      ],
      ['two quantities of one unit', 'Each worker runs 4 indexing jobs and 4 build jobs at a time.', 'l2', /number 4 belongs to another fact/],
      ['an opposite swapped in', 'The events of a re-claimed job start on a new stream.', 'l1', /opposite/],
      ['the default of an exception', 'Research admits loopback addresses.', 'l3', /opposite/],
      ['a Korean count word', '각 결과는 그래프에서 두 단계 확장됩니다.', 'k2', /number 2/],
      ['a Korean opposite', '쓰기가 일어나도 캐시는 유지됩니다.', 'k2', /opposite/],
    ])('catches %s', (_kind, text, id, problem) => {
      const v = verdict(text, id);
      expect(v.supported).toBe(false);
      expect(v.problems.join('; ')).toMatch(problem);
    });
  });

  it('reports per sentence and marks the answer ungrounded when any sentence fails', () => {
    const report = checkGrounding(
      [
        { text: 'COGO listens on port 4000 by default.', citations: ['c1'] },
        { text: 'BullMQ runs seven queues.', citations: ['e1'] },
      ],
      passages,
    );
    expect(report.grounded).toBe(false);
    expect(report.unsupported.map((v) => v.index)).toEqual([1]);
    expect(report.sentences[0]?.supported).toBe(true);
  });
});
