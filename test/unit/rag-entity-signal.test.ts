import { describe, expect, it } from 'vitest';
import { entityNamesIn } from '../../src/rag/entity-signal.js';

describe('entityNamesIn: the names in a question that the graph signal looks up', () => {
  it('keeps identifiers that look like code and the segments of dotted names', () => {
    expect(entityNamesIn('how does createReadStream differ from fs.promises.readFile?')).toEqual(['createReadStream', 'promises', 'readFile']);
    expect(entityNamesIn('MAX_BYTES, $emit and parse2 in a sentence')).toEqual(['MAX_BYTES', '$emit', 'parse2']);
    expect(entityNamesIn('what does spawn() return')).toEqual(['spawn']);
  });

  it('leaves plain English words, short names and Korean out', () => {
    expect(entityNamesIn('how do I watch a folder for changes')).toEqual([]);
    expect(entityNamesIn('is it ok to do x.y')).toEqual([]);
    expect(entityNamesIn('readFile로 파일을 읽는 방법')).toEqual(['readFile']);
  });
});
