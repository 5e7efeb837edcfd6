import { createHash } from 'node:crypto';

/** Stable per (tenant, job, path): a re-run of the job MERGEs the same node, another job's copy is its own node. */
export function artifactId(tenant: string, jobId: string, artifactPath: string): string {
  return `art_${createHash('sha256').update(`${tenant}\0${jobId}\0${artifactPath}`).digest('hex').slice(0, 32)}`;
}
