import { z } from 'zod';
import { AppError } from '../errors.js';

const name = z.string().trim().min(1).max(200);
const text = z.string().trim().min(1).max(4000);

/** A module of the code: what it is for, what it exports, what it leans on. */
const moduleSpec = z.strictObject({
  summary: text,
  responsibilities: z.array(text).max(50).default([]),
  exports: z
    .array(z.strictObject({ name, kind: z.enum(['function', 'class', 'type', 'constant', 'component']), description: text.optional() }))
    .max(200)
    .default([]),
  dependsOn: z.array(name).max(100).default([]),
});

/** A UI component: its props and states, and the design components it realises. */
const componentSpec = z.strictObject({
  summary: text,
  props: z
    .array(z.strictObject({ name, type: name, required: z.boolean().default(false), description: text.optional() }))
    .max(100)
    .default([]),
  states: z.array(name).max(50).default([]),
  designComponents: z.array(name).max(50).default([]),
});

/** A service: its operations and what it calls. */
const serviceSpec = z.strictObject({
  summary: text,
  operations: z
    .array(z.strictObject({ name, input: name.optional(), output: name.optional(), description: text.optional() }))
    .max(200)
    .default([]),
  dependsOn: z.array(name).max(100).default([]),
});

/** One schema per blueprint kind: a spec is validated against its kind's schema before any version is written. */
export const BLUEPRINT_SPECS = { module: moduleSpec, component: componentSpec, service: serviceSpec } as const;

export type BlueprintKind = keyof typeof BLUEPRINT_SPECS;

export const BLUEPRINT_KINDS = Object.keys(BLUEPRINT_SPECS) as BlueprintKind[];

/** The spec in its normal form (defaults filled in), or BAD_INPUT naming every problem and the kind's fields. */
export function parseBlueprintSpec(kind: string, spec: unknown): Record<string, unknown> {
  const schema = BLUEPRINT_SPECS[kind as BlueprintKind];
  if (!schema) throw new AppError('BAD_INPUT', `unknown blueprint kind "${kind}"; use one of: ${BLUEPRINT_KINDS.join(', ')}`, { via: 'blueprints' });
  const parsed = schema.safeParse(spec);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'spec'}: ${issue.message}`).join('; ');
  throw new AppError('BAD_INPUT', `the ${kind} spec is not valid (${problems}); a ${kind} spec has: ${Object.keys(schema.shape).join(', ')}`, {
    via: 'blueprints',
  });
}
