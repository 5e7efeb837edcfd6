import { createHash } from 'node:crypto';
import type { Runtime } from '../../src/runtime.js';

/** What `seedKnowledgeGraph` wrote for one tenant: ids to query by. */
export interface SeededGraph {
  jobId: string;
  evidenceIds: string[];
  sourceIds: string[];
  claimId: string;
  documentId: string;
  chunkIds: string[];
  entityId: string;
  /** Evidence the graph source would return for the first chunk: it CITES that chunk. */
  citingEvidenceId: string;
}

const hex = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

/**
 * A small knowledge graph of one tenant, written through the stores the agents write with (the indexing graph
 * writer, the research evidence store, the job service): a research job with `evidence` ranked evidence items
 * from five sources and a claim two of them support; an indexed file with two chunks, an entity it defines that
 * the first chunk mentions, and graph-found evidence quoting that chunk. Every title and quote carries `word`.
 */
export async function seedKnowledgeGraph(runtime: Runtime, tenant: string, word: string, options: { evidence?: number } = {}): Promise<SeededGraph> {
  const count = options.evidence ?? 6;
  const { jobId } = await runtime.jobs.enqueue({
    type: 'research',
    input: { question: `what is ${word}?` },
    traceId: 'f'.repeat(32),
    principal: { id: 'seed', tenant },
  });
  const root = `/seed/${tenant}`;
  const documentId = `doc-${hex(`${tenant}${word}`)}`;
  const chunkIds = [`chunk-${hex(`${tenant}${word}1`)}`, `chunk-${hex(`${tenant}${word}2`)}`];
  const entityId = `ent-${hex(`${tenant}${word}`)}`;
  await runtime.indexGraph.writeDocuments({ tenant, root }, jobId, [
    {
      id: documentId,
      path: `src/${word}.ts`,
      title: `${word} module`,
      language: 'typescript',
      size: 120,
      sha256: hex(word),
      chunks: chunkIds.map((id, i) => ({ id, startLine: i * 10 + 1, endLine: i * 10 + 10, kind: 'code', title: `${word} part ${i + 1}` })),
      symbols: [{ id: entityId, kind: 'function', name: `${word}Handler`, exported: true }],
      imports: [],
    },
  ]);
  await runtime.indexGraph.linkMentions({ tenant, root }, [{ chunkId: chunkIds[0] as string, entityIds: [entityId] }]);

  const sources = Array.from({ length: Math.min(5, count) }, (_, i) => ({
    id: `src-${hex(`${tenant}${i}`)}`,
    kind: 'web' as const,
    name: `site${i}.example`,
    url: `https://site${i}.example/`,
  }));
  const items = Array.from({ length: count }, (_, i) => {
    const source = sources[i % sources.length] as (typeof sources)[number];
    const id = `ev-${hex(`${tenant}${word}${i}`)}`;
    return {
      item: {
        id,
        contentHash: hex(`${id}h`),
        url: `${source.url}${word}/${i}`,
        title: `${word} finding ${String(i).padStart(3, '0')}`,
        quote: `${word} is measured at ${i} units on ${source.name}.`,
        retrievedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
        kind: 'web' as const,
      },
      text: `${word} is measured at ${i} units.`,
      linkSource: true,
      sourceNode: source,
    };
  });
  const citingEvidenceId = `ev-${hex(`${tenant}${word}graph`)}`;
  const citing = {
    item: {
      id: citingEvidenceId,
      contentHash: hex(`${citingEvidenceId}h`),
      url: `graph://chunk/${chunkIds[0]}`,
      title: `${word} part 1`,
      quote: `${word} is handled here.`,
      retrievedAt: new Date(Date.UTC(2026, 0, 2)).toISOString(),
      kind: 'graph' as const,
    },
    text: `${word} is handled here.`,
    linkSource: false,
    sourceNode: { id: `src-graph-${hex(tenant)}`, kind: 'graph' as const, name: 'graph', url: null },
    cites: { label: 'Chunk' as const, id: chunkIds[0] as string },
  };
  await runtime.evidence.write(jobId, tenant, [...items, citing]);
  await runtime.evidence.setRanks(
    jobId,
    tenant,
    items.map((it, i) => ({ id: it.item.id, score: 1 / (i + 1), rank: i + 1, selected: i < 3, conflictsWith: [] })),
  );
  const claimId = `claim-${hex(`${tenant}${word}`)}`;
  const [first, second] = items;
  await runtime.evidence.writeClaims(jobId, tenant, [
    {
      id: claimId,
      text: `${word} is measured in units`,
      status: 'corroborated',
      supports: [first, second].filter((x) => x !== undefined).map((x) => ({ evidenceId: x.item.id, says: x.item.quote, numbers: 'units' })),
    },
  ]);
  return { jobId, evidenceIds: items.map((x) => x.item.id), sourceIds: sources.map((s) => s.id), claimId, documentId, chunkIds, entityId, citingEvidenceId };
}
