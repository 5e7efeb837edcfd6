import type { Driver } from 'neo4j-driver';
import type { BlueprintStore } from '../../src/blueprints/blueprint-store.js';
import { cypher } from '../../src/graph/cypher-files.js';
import { runCypher } from '../../src/graph/driver.js';
import type { Passage } from '../../src/llm/index.js';

export interface ProposalDeps {
  blueprints: Pick<BlueprintStore, 'propose'>;
  driver: Driver;
  database: string;
}

export interface ProposalRequest {
  tenant: string;
  jobId: string;
  name: string;
  kind: 'module';
  question: string;
  answer: string;
  /** The ids the answer cited: chunks of indexed documents, or research evidence (those in `evidence`). */
  cited: readonly string[];
  evidence: readonly Passage[];
}

interface CitedDocument {
  id: string;
  path: string;
  exports: Array<{ id: string; name: string; kind: string }>;
}

/** The indexer's symbol kinds (ingest/chunk-types.ts) as a module spec's export kinds; modules are not exports. */
const EXPORT_KIND: Record<string, 'function' | 'class' | 'type' | 'constant'> = {
  function: 'function',
  class: 'class',
  interface: 'type',
  type: 'type',
  enum: 'type',
  variable: 'constant',
};

const MAX_TEXT = 4000;

/**
 * The blueprint an orchestrate job proposes (issue 13): a `module` spec made only of what the job saw — its answer
 * as the summary, the exported symbols the graph has for the documents it cited — that DESCRIBES those documents
 * and their exports and CITES the research evidence it cited. Status `proposed` until a person accepts it.
 */
export async function proposeBlueprint(deps: ProposalDeps, request: ProposalRequest) {
  const evidenceIds = new Set(request.evidence.map((p) => p.id));
  const citedEvidence = request.cited.filter((id) => evidenceIds.has(id));
  const chunkIds = request.cited.filter((id) => !evidenceIds.has(id));
  const documents = await runCypher<CitedDocument>(
    deps.driver,
    deps.database,
    cypher('blueprints/cited-documents'),
    { tenant: request.tenant, chunkIds },
    'READ',
  );
  const exported = documents.flatMap((d) => d.exports.filter((e) => EXPORT_KIND[e.kind]));
  const paths = documents.map((d) => d.path);
  const spec = {
    summary: `${request.answer}`.slice(0, MAX_TEXT).trim() || `Answer to: ${request.question}`.slice(0, MAX_TEXT),
    responsibilities: paths.length ? [`Covers ${paths.join(', ')}`.slice(0, MAX_TEXT)] : [],
    exports: exported.slice(0, 200).map((e) => ({ name: e.name.slice(0, 200), kind: EXPORT_KIND[e.kind]! })),
    dependsOn: [],
  };
  const { version, created } = await deps.blueprints.propose(request.tenant, request.jobId, {
    name: request.name,
    kind: request.kind,
    spec,
    documentIds: documents.map((d) => d.id),
    entityIds: exported.map((e) => e.id),
    evidenceIds: citedEvidence,
    jobId: request.jobId,
  });
  return { id: version.id, name: version.name, version: version.version, status: version.status, created };
}
