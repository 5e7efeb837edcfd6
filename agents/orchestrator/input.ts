import { parseJobInput, type JobInput } from '../../src/queue/job-inputs.js';

/** What an orchestrate job asks: a question, how many passages to retrieve and where, and routing hints. */
export type OrchestrateInput = JobInput<'orchestrate'>;

/** The one input schema (src/queue/job-inputs.ts), checked again in the worker for jobs that came another way. */
export function parseOrchestrateInput(input: unknown): OrchestrateInput {
  return parseJobInput('orchestrate', input);
}
