import neo4j, { type Driver } from 'neo4j-driver';
import type { FetchedDocument, SourceAdapter, SourceContext, SourceRef } from '../../ingest/sources/index.js';
import { AppError } from '../../src/errors.js';
import { cypher } from '../../src/graph/cypher-files.js';
import { runCypher } from '../../src/graph/driver.js';
import { toLuceneQuery } from '../../src/graph/lucene-query.js';

/** A passage of indexed text (a chunk in pgvector), as the graph source offers it. */
export interface Passage {
  id: string;
  title: string;
  text: string;
}

/** The vector index's side of "what we already know": semantic search over indexed chunks, and reads by id. */
export interface PassageIndex {
  search(tenant: string, query: string, k: number, signal: AbortSignal): Promise<Passage[]>;
  get(tenant: string, id: string): Promise<Passage | undefined>;
}

export interface GraphSourceOptions {
  driver: Driver;
  database: string;
  name?: string;
  maxResults?: number;
  /** Without it, the source is keyword search over graph nodes only. */
  passages?: PassageIndex;
}

/** The kinds the graph source reads, as they appear in refs: `graph://evidence/<id>`, `graph://chunk/<id>`. */
export const GRAPH_KINDS = ['evidence', 'document', 'entity', 'chunk'] as const;
export type GraphKind = (typeof GRAPH_KINDS)[number];

const REF = /^graph:\/\/(evidence|document|entity|chunk)\/(.+)$/;

interface SearchRow {
  kind: GraphKind;
  id: string;
  title: string;
  snippet: string;
  score: number;
}

interface NodeRow {
  id: string;
  url: string | null;
  title: string;
  text: string;
  retrievedAt: string | null;
  publishedAt: string | null;
}

export function graphRef(kind: GraphKind, id: string): string {
  return `graph://${kind}/${encodeURIComponent(id)}`;
}

export function parseGraphRef(url: string): { kind: GraphKind; id: string } | undefined {
  const match = REF.exec(url);
  return match ? { kind: match[1] as GraphKind, id: decodeURIComponent(match[2] ?? '') } : undefined;
}

const CITED_LABELS = { chunk: 'Chunk', document: 'Document', entity: 'Entity' } as const;

/** The indexed node a graph ref quotes, for `(:Evidence)-[:CITES]->(node)`; evidence refs cite nothing new. */
export function citedNode(url: string): { label: 'Chunk' | 'Document' | 'Entity'; id: string } | null {
  const ref = parseGraphRef(url);
  return ref && ref.kind !== 'evidence' ? { label: CITED_LABELS[ref.kind], id: ref.id } : null;
}

function tenantOf(ctx: SourceContext, via: string): string {
  if (!ctx.tenant) throw new AppError('BAD_INPUT', `${via}: a tenant is required to read the knowledge graph`, { via });
  return ctx.tenant;
}

/**
 * What COGO already knows as a research source: Neo4j's fulltext index `knowledge_text` over the tenant's
 * Evidence, Document and Entity nodes, and, with `passages`, the vector index's hybrid search over indexed
 * chunks (src/rag). Keyword hits come first, then passages; each list keeps its own ranking.
 */
export function createGraphSource(options: GraphSourceOptions): SourceAdapter {
  const { driver, database, name = 'graph', maxResults = 10, passages } = options;

  async function searchNodes(query: string, tenant: string): Promise<SourceRef[]> {
    const lucene = toLuceneQuery(query);
    if (!lucene) return [];
    const rows = await runCypher<SearchRow>(
      driver,
      database,
      cypher('research/search-knowledge'),
      {
        query: lucene,
        tenant,
        limit: neo4j.int(maxResults),
        scanLimit: neo4j.int(maxResults * 20),
      },
      'READ',
    );
    return rows.map((row) => ({ url: graphRef(row.kind, row.id), title: row.title, ...(row.snippet ? { snippet: row.snippet } : {}) }));
  }

  async function searchPassages(query: string, tenant: string, signal: AbortSignal): Promise<SourceRef[]> {
    if (!passages || !query.trim()) return [];
    const found = await passages.search(tenant, query, maxResults, signal);
    return found.map((p) => ({ url: graphRef('chunk', p.id), title: p.title, snippet: p.text.slice(0, 300) }));
  }

  async function readPassage(id: string, tenant: string): Promise<NodeRow | undefined> {
    if (!passages) throw new AppError('BAD_INPUT', `${name}: graph://chunk references need the vector index, which this worker was not given`, { via: name });
    const passage = await passages.get(tenant, id);
    return passage && { id, url: null, title: passage.title, text: passage.text, retrievedAt: null, publishedAt: null };
  }

  return {
    name,
    async search(query, ctx): Promise<SourceRef[]> {
      const tenant = tenantOf(ctx, name);
      ctx.signal.throwIfAborted();
      await ctx.limiter.acquire(ctx.signal);
      const [nodes, chunks] = await Promise.all([searchNodes(query, tenant), searchPassages(query, tenant, ctx.signal)]);
      return [...nodes, ...chunks];
    },

    async fetch(ref, ctx): Promise<FetchedDocument> {
      const tenant = tenantOf(ctx, name);
      const parsed = parseGraphRef(ref.url);
      if (!parsed) throw new AppError('BAD_INPUT', `${name}: ${ref.url.slice(0, 200)} is not a graph:// reference`, { via: name });
      ctx.signal.throwIfAborted();
      await ctx.limiter.acquire(ctx.signal);
      const row =
        parsed.kind === 'chunk'
          ? await readPassage(parsed.id, tenant)
          : (await runCypher<NodeRow>(driver, database, cypher('research/get-knowledge-node'), { ...parsed, tenant }, 'READ'))[0];
      if (!row) throw new AppError('NOT_FOUND', `${name}: ${ref.url} does not exist (or belongs to another tenant)`, { via: name });
      const fetchedAt = row.retrievedAt ?? new Date().toISOString();
      return {
        // Evidence keeps the URL it was found at, so the agent can tell a stored copy from a fresh fetch of it.
        url: row.url ?? ref.url,
        finalUrl: ref.url,
        title: row.title,
        text: row.text,
        fetchedAt,
        status: 200,
        contentType: 'text/plain',
        ...(row.publishedAt ? { publishedAt: row.publishedAt } : {}),
      };
    },
  };
}
