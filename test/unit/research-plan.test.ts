import { describe, expect, it } from 'vitest';
import { parseHints, planQueries, queriesFor, redactHint } from '../../agents/research/plan.js';
import { keywords } from '../../agents/research/text.js';

describe('research query planning', () => {
  describe('planQueries', () => {
    it('keeps the question verbatim and adds its keywords and its two longest keywords as variants', () => {
      const plan = planQueries('  What is the capacity of tidal stream turbines in Scotland? ');
      expect(plan.question).toBe('What is the capacity of tidal stream turbines in Scotland?');
      expect(plan.keywords).toEqual(['capacity', 'tidal', 'stream', 'turbines', 'scotland']);
      expect(plan.variants).toEqual([plan.question, 'capacity tidal stream turbines scotland', 'capacity', 'turbines']);
    });

    it('drops repeated variants (a one-keyword question has two)', () => {
      expect(planQueries('queue').variants).toEqual(['queue']);
      expect(planQueries('the queue').variants).toEqual(['the queue', 'queue']);
    });
  });

  describe('queriesFor', () => {
    const plan = planQueries('fast fifo queue for node');
    it('gives the graph one OR-able keyword query', () => {
      expect(queriesFor('graph', plan)).toEqual(['fast fifo queue node']);
    });
    it('gives npm the keywords and the two longest keywords alone', () => {
      expect(queriesFor('npm', plan)).toEqual(['fast fifo queue node', 'queue', 'fast']);
    });
    it('gives an API the verbatim question, the keywords and the single-keyword variants', () => {
      expect(queriesFor('api', plan)).toEqual(['fast fifo queue for node', 'fast fifo queue node', 'queue', 'fast']);
    });
    it('keeps the single-keyword variants when the question is nothing but keywords', () => {
      expect(queriesFor('npm', planQueries('tiny fifo queue'))).toEqual(['tiny fifo queue', 'queue', 'tiny']);
    });
    it('never searches the web (there is no search engine behind it)', () => {
      expect(queriesFor('web', plan)).toEqual([]);
    });
  });

  it('extracts keywords without stop words, single letters or repeats', () => {
    expect(keywords('The cost of the cost: a review of UK tidal power, 2023')).toEqual(['cost', 'review', 'uk', 'tidal', 'power', '2023']);
  });
});

describe('parseHints', () => {
  it('searches the graph when there are no hints', () => {
    expect(parseHints(undefined)).toEqual({ hints: [{ type: 'search', kind: 'graph' }], problems: [] });
    expect(parseHints([]).hints).toEqual([{ type: 'search', kind: 'graph' }]);
  });

  it('maps URLs, npm packages, npm, graph and configured APIs, each once', () => {
    const { hints, problems } = parseHints(
      ['https://example.com/a', 'npm:@cogo/graph-utils', 'NPM', 'graph', 'api:docs', 'https://example.com/a', 'npm:@cogo/graph-utils'],
      ['docs'],
    );
    expect(problems).toEqual([]);
    expect(hints).toEqual([
      { type: 'url', url: 'https://example.com/a' },
      { type: 'package', kind: 'npm', name: '@cogo/graph-utils' },
      { type: 'search', kind: 'npm' },
      { type: 'search', kind: 'graph' },
      { type: 'search', kind: 'api', api: 'docs' },
    ]);
  });

  it('passes any scheme:// to the web adapter, which refuses what is not http(s) with its own error code', () => {
    expect(parseHints(['file:///etc/passwd']).hints).toEqual([{ type: 'url', url: 'file:///etc/passwd' }]);
  });

  it('reports unknown hints, bad package names and unconfigured APIs as BAD_INPUT and keeps the rest', () => {
    const { hints, problems } = parseHints(['example.com', 'npm:Not A Name', 'api:nope', 'graph'], ['docs']);
    expect(hints).toEqual([{ type: 'search', kind: 'graph' }]);
    expect(problems.map((p) => [p.hint, p.code])).toEqual([
      ['example.com', 'BAD_INPUT'],
      ['npm:Not A Name', 'BAD_INPUT'],
      ['api:nope', 'BAD_INPUT'],
    ]);
    expect(problems[2]?.message).toContain('configured: docs');
  });

  it('redacts credentials in URLs that are reported back', () => {
    expect(redactHint('https://user:secret@example.com/x')).toBe('https://[redacted]@example.com/x');
    expect(redactHint('https://example.com/x')).toBe('https://example.com/x');
  });
});
