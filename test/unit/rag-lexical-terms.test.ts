import { describe, expect, it } from 'vitest';
import { chunkTypeScript } from '../../ingest/chunkers/typescript.js';
import { chunkTerms, queryTerms } from '../../src/vectors/lexical-terms.js';

describe('lexical terms (the BM25 index and its queries)', () => {
  it('keeps an identifier whole and adds its parts: camelCase, snake_case, $-prefixed, acronyms', () => {
    expect(queryTerms('createReadStream')).toEqual(['createreadstream', 'create', 'read', 'stream']);
    expect(queryTerms('read_file $emit HTTPServer_v2')).toEqual(['read_file', 'read', 'file', '$emit', 'emit', 'httpserver_v2', 'http', 'server', 'v2']);
  });

  it('keeps a dotted name whole and adds each segment with its parts', () => {
    expect(queryTerms('fs.promises.FileHandle.readLines()')).toEqual([
      'fs.promises.filehandle.readlines',
      'fs',
      'promises',
      'filehandle',
      'file',
      'handle',
      'readlines',
      'read',
      'lines',
    ]);
  });

  it('drops stop words and single letters, lowercases words', () => {
    expect(queryTerms('How is the Queue drained?')).toEqual(['queue', 'drained']);
  });

  it('indexes Hangul by character bigrams, so a word matches with its particle; mixed with code identifiers', () => {
    expect(queryTerms('검색은')).toEqual(['검색', '색은']);
    expect(queryTerms('readFile로 문서를 읽기')).toEqual(['readfile', 'read', 'file', '문서', '서를', '읽기']);
    const document = chunkTerms({ path: 'docs/ko.md', content: '벡터 검색은 의미가 가까운 문서를 찾습니다.', metadata: {} }).terms;
    for (const term of queryTerms('문서 검색')) expect(document.has(term)).toBe(true);
  });

  it('weighs declared names, then headings and path, above the text', () => {
    const { terms, length } = chunkTerms({
      path: 'src/queue.ts',
      content: 'drain the queue',
      metadata: { symbols: ['function drainQueue'], names: ['jobs.drainQueue'], context: 'Queue > Draining' },
    });
    expect(terms.get('drainqueue')).toBe(3 + 3);
    expect(terms.get('jobs.drainqueue')).toBe(3);
    expect(terms.get('draining')).toBe(2);
    expect(terms.get('queue')).toBe(3 + 3 + 2 + 2 + 1);
    expect(length).toBe([...terms.values()].reduce((a, b) => a + b, 0));
  });
});

describe('TypeScript chunks name their declarations with their containers', () => {
  it('qualifies members of interfaces inside namespaces inside `declare module`', () => {
    const source = [
      "declare module 'node:fs/promises' {",
      '  namespace constants {',
      '    const O_RDONLY: number;',
      '  }',
      '  interface FileHandle {',
      '    readLines(options?: object): AsyncIterable<string>;',
      '    close(): Promise<void>;',
      '  }',
      '  function open(path: string): Promise<FileHandle>;',
      '}',
    ].join('\n');
    const names = chunkTypeScript('fs.d.ts', source).chunks.flatMap((chunk) => chunk.names ?? []);
    expect(names).toEqual([
      'fs.promises',
      'fs.promises.constants',
      'fs.promises.constants.O_RDONLY',
      'fs.promises.FileHandle',
      'fs.promises.FileHandle.readLines',
      'fs.promises.FileHandle.close',
      'fs.promises.open',
    ]);
  });
});
