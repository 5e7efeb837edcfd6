/** The retrieval contract, shaped like `schema/rag.graphql` so resolvers pass these objects through. */
export interface SearchFilters {
  /** Indexed roots (absolute folders); default: every root of the tenant. */
  roots?: string[] | null;
  /** Root-relative path prefixes, e.g. `docs/`. */
  pathPrefixes?: string[] | null;
  /** Chunk kinds: markdown-section, code-declaration, text. */
  kinds?: string[] | null;
  /** 1-hop graph expansion of every hit; default true. */
  expand?: boolean | null;
}

export interface SearchRequest {
  tenant: string;
  query: string;
  k?: number | null;
  filters?: SearchFilters | null;
  signal?: AbortSignal;
}

export interface ScoreParts {
  vectorRank: number | null;
  /** Cosine similarity of query and chunk vectors. */
  vectorScore: number | null;
  textRank: number | null;
  /** Postgres ts_rank of the chunk for the query. */
  textScore: number | null;
  /** Reciprocal rank fusion of both ranks: what the items are ordered by. */
  rrf: number;
}

export interface GraphNeighbor {
  /** MENTIONS (entity the chunk mentions), DEFINES (entity its document defines), IMPORTS, IMPORTED_BY. */
  relation: string;
  id: string;
  /** Entity name or document path. */
  name: string;
  /** Entity kind (function, class, …) or `document`. */
  kind: string;
  /** For a mentioned entity: paths of the documents that define it. */
  definedIn: string[];
}

export interface SearchItem {
  rank: number;
  chunkId: string;
  documentId: string | null;
  root: string;
  path: string;
  startLine: number;
  endLine: number;
  kind: string;
  /** A markdown heading path, when the chunk has one. */
  context: string | null;
  content: string;
  score: ScoreParts;
  neighbors: GraphNeighbor[];
  /** Properties of `(:Evidence)` nodes linked to the chunk or its document. */
  evidence: Record<string, unknown>[];
}

export interface SearchResult {
  query: string;
  embedder: string;
  localEmbedder: boolean;
  embedderDescription: string;
  items: SearchItem[];
  tookMs: number;
  timings: Record<string, number>;
}

export interface RagEvent {
  type: 'rag.item' | 'rag.done';
  seq: number;
  item: SearchItem | null;
  done: { count: number; embedder: string; localEmbedder: boolean; tookMs: number } | null;
}

export interface EmbedResult {
  embedder: string;
  localEmbedder: boolean;
  dimensions: number;
  count: number;
  vectors: number[][];
}

export interface EmbedEvent {
  type: 'embed.chunk' | 'embed.done';
  seq: number;
  /** Index of the first text this event's vectors belong to. */
  offset: number;
  count: number;
  vectors: number[][];
  embedder: string;
  localEmbedder: boolean;
  dimensions: number;
}
