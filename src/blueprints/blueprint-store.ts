import { createHash } from 'node:crypto';
import type { Driver } from 'neo4j-driver';
import { AppError } from '../errors.js';
import { cypher } from '../graph/cypher-files.js';
import { runCypher } from '../graph/driver.js';
import { parseBlueprintSpec, type BlueprintKind } from './blueprint-spec.js';
import { diffIds, diffSpecs, type SpecChange } from './spec-diff.js';

export type BlueprintStatus = 'proposed' | 'accepted' | 'superseded';

/** One version of a blueprint as the API shows it (nested reads go through the generated `graphBlueprints`). */
export interface BlueprintVersion {
  id: string;
  name: string;
  kind: BlueprintKind;
  version: number;
  status: BlueprintStatus;
  spec: Record<string, unknown>;
  createdBy: string;
  createdAt: string;
  previousId: string | null;
  documentIds: string[];
  entityIds: string[];
  evidenceIds: string[];
}

export interface BlueprintProposal {
  name: string;
  kind: string;
  spec: unknown;
  documentIds?: readonly string[] | null;
  entityIds?: readonly string[] | null;
  evidenceIds?: readonly string[] | null;
  /** The job (an orchestrate run) that proposed it: `(:Job)-[:PRODUCED]->(:Blueprint)`. */
  jobId?: string | null;
}

export interface BlueprintDiff {
  from: BlueprintVersion;
  to: BlueprintVersion;
  spec: SpecChange[];
  documents: { added: string[]; removed: string[] };
  entities: { added: string[]; removed: string[] };
  evidence: { added: string[]; removed: string[] };
}

interface VersionRow {
  blueprint: Record<string, unknown>;
  previousId?: string | null;
  documentIds: string[];
  entityIds: string[];
  evidenceIds: string[];
}

const NAME = /^[A-Za-z0-9_.@/:-]{1,200}$/;

function toVersion(row: VersionRow): BlueprintVersion {
  const b = row.blueprint;
  return {
    id: String(b.id),
    name: String(b.name),
    kind: b.kind as BlueprintKind,
    version: Number(b.version),
    status: b.status as BlueprintStatus,
    spec: JSON.parse(String(b.specJson)) as Record<string, unknown>,
    createdBy: String(b.createdBy),
    createdAt: new Date(String(b.createdAt)).toISOString(),
    previousId: row.previousId ?? null,
    documentIds: [...row.documentIds].sort(),
    entityIds: [...row.entityIds].sort(),
    evidenceIds: [...row.evidenceIds].sort(),
  };
}

const sortedUnique = (ids: readonly string[] | null | undefined) => [...new Set(ids ?? [])].sort();
const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id, i) => id === b[i]);

/**
 * Code blueprint objects (issue 13): versioned specs of modules, components and services. A version is never
 * changed after it is written except for its status; a new proposal becomes a new version chained to the newest
 * with PREVIOUS. Statements under cypher/blueprints/.
 */
export function createBlueprintStore(driver: Driver, database: string) {
  const run = <Row>(name: string, params: Record<string, unknown>, mode: 'READ' | 'WRITE' = 'WRITE') =>
    runCypher<Row>(driver, database, cypher(name), params, mode);

  async function get(tenant: string, id: string): Promise<BlueprintVersion> {
    const [row] = await run<VersionRow>('blueprints/get-version', { tenant, id }, 'READ');
    if (!row?.blueprint) throw new AppError('NOT_FOUND', `no blueprint version ${id}; list them with graphBlueprints`, { via: 'blueprints' });
    return toVersion(row);
  }

  /**
   * Validates the spec against its kind's schema and the links against the tenant's graph, then writes version
   * n+1 — or returns the newest version unchanged when it already says exactly this (a re-run proposes nothing new).
   */
  async function propose(tenant: string, createdBy: string, proposal: BlueprintProposal): Promise<{ version: BlueprintVersion; created: boolean }> {
    if (!NAME.test(proposal.name)) {
      throw new AppError('BAD_INPUT', 'a blueprint name is 1-200 characters of letters, digits and _ . @ / : -', { via: 'blueprints' });
    }
    const spec = parseBlueprintSpec(proposal.kind, proposal.spec);
    const links = {
      documentIds: sortedUnique(proposal.documentIds),
      entityIds: sortedUnique(proposal.entityIds),
      evidenceIds: sortedUnique(proposal.evidenceIds),
    };
    const missing = await run<{ missing: string }>('blueprints/missing-targets', { tenant, ...links }, 'READ');
    if (missing.length > 0) {
      throw new AppError('BAD_INPUT', `the blueprint links to nodes this tenant does not have: ${missing.map((m) => m.missing).join(', ')}`, {
        via: 'blueprints',
      });
    }
    const [head] = await run<VersionRow>('blueprints/blueprint-head', { tenant, name: proposal.name }, 'READ');
    const previous = head?.blueprint ? toVersion(head) : null;
    if (
      previous &&
      previous.kind === proposal.kind &&
      JSON.stringify(previous.spec) === JSON.stringify(spec) &&
      sameIds(previous.documentIds, links.documentIds) &&
      sameIds(previous.entityIds, links.entityIds) &&
      sameIds(previous.evidenceIds, links.evidenceIds)
    ) {
      return { version: previous, created: false };
    }
    const version = (previous?.version ?? 0) + 1;
    const id = `bp-${createHash('sha256').update(`${tenant}\0${proposal.name}\0${version}`).digest('hex').slice(0, 24)}`;
    const blueprint = { id, name: proposal.name, kind: proposal.kind, version, status: 'proposed', specJson: JSON.stringify(spec), createdBy };
    try {
      await run('blueprints/create-version', { tenant, blueprint, previousId: previous?.id ?? null, jobId: proposal.jobId ?? null, ...links });
    } catch (error) {
      if (error instanceof AppError && error.code === 'BAD_INPUT') {
        throw new AppError(
          'IDEMPOTENCY_CONFLICT',
          `version ${version} of blueprint ${proposal.name} was written by another proposal at the same time; propose again`,
          {
            via: 'blueprints',
            retryable: true,
          },
        );
      }
      throw error;
    }
    return { version: await get(tenant, id), created: true };
  }

  /** `proposed` → `accepted` (the name's previously accepted version becomes `superseded`). */
  async function accept(tenant: string, id: string, acceptedBy: string): Promise<BlueprintVersion> {
    const current = await get(tenant, id);
    if (current.status !== 'proposed') {
      throw new AppError('BAD_INPUT', `blueprint version ${id} is ${current.status}; only a proposed version can be accepted`, { via: 'blueprints' });
    }
    await run('blueprints/accept-version', { tenant, id, acceptedBy });
    return get(tenant, id);
  }

  /** What changed from one version to another (any two versions of the tenant, usually of one name). */
  async function diff(tenant: string, fromId: string, toId: string): Promise<BlueprintDiff> {
    const [from, to] = await Promise.all([get(tenant, fromId), get(tenant, toId)]);
    return {
      from,
      to,
      spec: diffSpecs(from.spec, to.spec),
      documents: diffIds(from.documentIds, to.documentIds),
      entities: diffIds(from.entityIds, to.entityIds),
      evidence: diffIds(from.evidenceIds, to.evidenceIds),
    };
  }

  return { propose, accept, get, diff };
}

export type BlueprintStore = ReturnType<typeof createBlueprintStore>;
