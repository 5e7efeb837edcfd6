import { sourceNodeOf, toCandidate } from '../../agents/research/normalize.js';
import type { Candidate, SourceKind } from '../../agents/research/types.js';

/** A research candidate as the agent builds it from a fetched page (tenant t1, question term "tidal"). */
export function candidate(url: string, text: string, kind: SourceKind = 'web', title = 'A page'): Candidate {
  const task = { key: url, source: kind === 'web' ? `web:${new URL(url).host}` : kind, kind, ref: { url }, hinted: false };
  const doc = { url, finalUrl: url, title, text, fetchedAt: '2025-01-01T00:00:00.000Z', status: 200 };
  const c = toCandidate(doc, task, { tenant: 't1', terms: ['tidal'], sourceNode: sourceNodeOf('t1', kind, 'example.test', null) });
  if (!c) throw new Error('no candidate');
  return c;
}
