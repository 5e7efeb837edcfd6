import { z } from 'zod';
import { AppError } from '../../src/errors.js';

/** What an orchestrate job asks: a question, how many passages to retrieve and where, and routing hints. */
export const orchestrateInput = z.object({
  question: z.string().trim().min(1).max(4000),
  k: z.number().int().min(1).max(50).default(8),
  filters: z.object({ roots: z.array(z.string()).max(50).optional(), pathPrefixes: z.array(z.string()).max(50).optional() }).optional(),
  taskType: z.string().max(32).optional(),
  risk: z.enum(['low', 'medium', 'high']).optional(),
  budgetUsd: z.number().min(0).optional(),
});
export type OrchestrateInput = z.infer<typeof orchestrateInput>;

export function parseOrchestrateInput(input: unknown): OrchestrateInput {
  const parsed = orchestrateInput.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`);
    throw new AppError('BAD_INPUT', `invalid orchestrate input: ${problems.join('; ')}`, { via: 'orchestrate', details: { problems } });
  }
  return parsed.data;
}
