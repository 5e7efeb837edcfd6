import { describe, expect, it } from 'vitest';
import { groupClaims } from '../../agents/research/claims.js';
import { candidate } from '../support/research-candidates.js';
import { CLAIM, corpusPage } from '../support/research-corpus.js';

const seed = 'claims-unit';
const withLead = (i: number, lead: string) => corpusPage(i, { seed, lead }).text;

describe('groupClaims', () => {
  it('groups what two pages say about one number: corroborated when they agree, disputed when they do not', () => {
    const agree = groupClaims('t1', [candidate('https://a.test/1', withLead(1, CLAIM(34))), candidate('https://b.test/2', withLead(2, CLAIM(34)))]);
    expect(agree).toHaveLength(1);
    expect(agree[0]).toMatchObject({ status: 'corroborated', text: CLAIM(34) });
    expect(agree[0]!.supports.map((s) => s.numbers)).toEqual(['2023 34', '2023 34']);

    const disagree = groupClaims('t1', [candidate('https://a.test/1', withLead(1, CLAIM(34))), candidate('https://b.test/2', withLead(2, CLAIM(43)))]);
    expect(disagree).toHaveLength(1);
    expect(disagree[0]!.status).toBe('disputed');
    expect(disagree[0]!.supports.map((s) => s.says).sort()).toEqual([CLAIM(34), CLAIM(43)].sort());
    // One statement, one Claim: the id does not depend on which number a page gives.
    expect(disagree[0]!.id).toBe(agree[0]!.id);
  });

  it('keeps a claim only one page makes out of the graph', () => {
    expect(
      groupClaims('t1', [candidate('https://a.test/1', withLead(1, CLAIM(34))), candidate('https://b.test/2', corpusPage(2, { seed }).text)]).filter(
        (c) => c.text === CLAIM(34),
      ),
    ).toEqual([]);
  });

  it('gives the same claims whatever order the evidence arrived in, and other ids to another tenant', () => {
    const pages = [
      candidate('https://a.test/1', withLead(1, CLAIM(34))),
      candidate('https://b.test/2', withLead(2, CLAIM(43))),
      candidate('https://c.test/3', withLead(3, CLAIM(34))),
    ];
    const forward = groupClaims('t1', pages);
    const backward = groupClaims('t1', [...pages].reverse());
    expect(backward).toEqual(forward);
    expect(forward.find((c) => c.text === CLAIM(34) || c.text === CLAIM(43))!.supports).toHaveLength(3);
    expect(groupClaims('t2', pages).map((c) => c.id)).not.toEqual(forward.map((c) => c.id));
  });
});
