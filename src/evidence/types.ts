/** What the research agent stores and the API reads back: evidence, where it came from, the claims it makes. */

/** Which adapter family a source belongs to; source weights and hint syntax are per kind. */
export type SourceKind = 'web' | 'npm' | 'graph' | 'api';

/** A `(:Source)` node: one per tenant, source kind and site (host) or registry. */
export interface SourceNode {
  id: string;
  kind: SourceKind;
  name: string;
  url: string | null;
}

/** `disputed` when the pages give different numbers for a claim, else `corroborated`. */
export type ClaimStatus = 'corroborated' | 'disputed';

/** What the GraphQL `evidence` query returns. */
export interface EvidenceView {
  id: string;
  url: string;
  title: string;
  quote: string;
  retrievedAt: string;
  publishedAt: string | null;
  contentHash: string;
  kind: string;
  /** The first `(:Source)` (graph-found evidence keeps its original one); null only for orphans. */
  sourceId: string | null;
  source: SourceNode | null;
  sources: SourceNode[];
  score: number | null;
  rank: number | null;
  conflictsWith: string[];
}

/** A claim as the API shows it: what it says, whether pages agree, and what each page says. */
export interface ClaimView {
  id: string;
  text: string;
  status: ClaimStatus;
  supporters: number;
  support: Array<{ evidenceId: string; url: string; title: string; says: string; numbers: string }>;
}

/** Evidence as stored on the `(:Evidence)` node (text included, for resumes and the fulltext index). */
export interface StoredEvidence {
  id: string;
  url: string;
  title: string;
  quote: string;
  text: string;
  retrievedAt: string;
  publishedAt: string | null;
  contentHash: string;
  kind: SourceKind;
}

/** What the store needs of one evidence item to write it (the research agent's `Candidate` is one). */
export interface EvidenceToStore {
  item: { id: string; contentHash: string; url: string; title: string; quote: string; retrievedAt: string; publishedAt?: string; kind: SourceKind };
  text: string;
  /** False for evidence that already has its provenance (`FROM`), e.g. found in the graph itself. */
  linkSource: boolean;
  sourceNode: SourceNode;
  /** What evidence found in COGO's own graph quotes (a chunk, document or entity): `(:Evidence)-[:CITES]->(node)`. */
  cites?: { label: 'Chunk' | 'Document' | 'Entity'; id: string } | null;
}

/** A claim several pages make, with what each says (the research agent's `ClaimGroup` is one). */
export interface ClaimToStore {
  id: string;
  text: string;
  status: ClaimStatus;
  supports: Array<{ evidenceId: string; says: string; numbers: string }>;
}

export interface RankRecord {
  id: string;
  score: number;
  rank: number;
  selected: boolean;
  conflictsWith: string[];
}
