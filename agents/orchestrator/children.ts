import type { Passage } from '../../src/llm/index.js';
import type { EnqueueRequest, Principal } from '../../src/queue/job-service.js';
import type { JobView } from '../../src/queue/job-view.js';
import type { OrchestrateInput } from './input.js';

/** What the orchestrator needs of the job service to run child jobs: enqueue one in its flow, read its outcome. */
export interface ChildJobs {
  enqueue(request: EnqueueRequest): Promise<{ jobId: string; created: boolean }>;
  get(id: string, principal: Principal): Promise<JobView>;
}

export type ChildRole = 'research' | 'indexing';

/** A child as the checkpoint keeps it: enqueued once, found again by a resumed run. */
export interface ChildRecord {
  role: ChildRole;
  jobId: string;
}

export interface PlannedChild {
  role: ChildRole;
  type: 'research' | 'indexing';
  input: Record<string, unknown>;
}

const URL_IN_TEXT = /https?:\/\/[^\s<>"')\]]+/g;

/**
 * Role-select: which child jobs a question needs before it can be answered. An indexing child when the caller
 * names a folder to index; a research child when the caller asks for research or the question names web pages
 * (their URLs become its sources). Indexing comes first in the list; both run at once, and the answer waits for both.
 */
export function planChildren(input: OrchestrateInput): PlannedChild[] {
  const plan: PlannedChild[] = [];
  if (input.index != null) {
    const { root, include, exclude } = input.index;
    plan.push({ role: 'indexing', type: 'indexing', input: { root, ...(include ? { include } : {}), ...(exclude ? { exclude } : {}) } });
  }
  const named = [...new Set(input.question.match(URL_IN_TEXT) ?? [])].map((url) => url.replace(/[.,;:!?]+$/, ''));
  if (input.research != null || named.length > 0) {
    const sources = [...new Set([...(input.research?.sources ?? []), ...named])].slice(0, 50);
    const research = input.research ?? {};
    plan.push({
      role: 'research',
      type: 'research',
      input: {
        question: input.question,
        ...(sources.length ? { sources } : {}),
        maxItems: research.maxItems ?? input.k,
        ...(research.freshness ? { freshness: research.freshness } : {}),
      },
    });
  }
  return plan;
}

interface EvidenceLike {
  id: string;
  quote: string;
  url: string;
}

/** A finished child as `llm.done` reports it, and the research evidence it adds to the passages the answer may cite. */
export interface GatheredChild extends ChildRecord {
  status: string;
  summary: Record<string, unknown>;
}

/** Reads each child's outcome from the job service; research evidence becomes passages (id, quote, URL). */
export async function gatherChildren(
  children: ChildRecord[],
  jobs: ChildJobs,
  principal: Principal,
): Promise<{ gathered: GatheredChild[]; evidence: Passage[] }> {
  const gathered: GatheredChild[] = [];
  const evidence: Passage[] = [];
  for (const child of children) {
    const view = await jobs.get(child.jobId, principal);
    const result = (view.result ?? {}) as { evidence?: EvidenceLike[]; failures?: unknown[] };
    if (child.role === 'research') {
      for (const item of result.evidence ?? []) if (item.quote?.trim()) evidence.push({ id: item.id, text: item.quote, ref: item.url });
      gathered.push({ ...child, status: view.status, summary: { evidence: result.evidence?.length ?? 0, failures: result.failures?.length ?? 0 } });
    } else {
      // Its counts (files, chunks, …): the whole result would repeat every file it indexed.
      const counts = Object.fromEntries(Object.entries(view.result ?? {}).filter(([, v]) => typeof v === 'number'));
      gathered.push({ ...child, status: view.status, summary: counts });
    }
  }
  return { gathered, evidence };
}
