import { z } from 'zod';
import { AppError } from '../errors.js';
import type { EnqueueType } from './job-types.js';
import { redactUrlCredentials } from '../url-credentials.js';
import { gitRefProblem, gitUrlProblem } from './git-source.js';
import { figmaKeyOf } from '../designs/figma-source.js';

const shortText = (max: number) => z.string().trim().min(1).max(max);
const globs = z.array(shortText(512)).max(200);
/** An argv element: a process argument cannot hold a NUL byte (the kernel would cut it there). */
const argument = z
  .string()
  .min(1)
  .max(8192)
  .refine((v) => !v.includes('\0'), 'must not contain a NUL byte');

/** Variables a build step sees besides PATH, HOME, TMPDIR, LANG and CI (never COGO's own environment). */
const envVars = z
  .record(
    z.string().regex(/^[A-Z_][A-Z0-9_]*$/),
    z
      .string()
      .max(8192)
      .refine((v) => !v.includes('\0'), 'must not contain a NUL byte'),
  )
  .refine((env) => Object.keys(env).length <= 200, 'at most 200 variables');

/** An indexing job's first form: a folder to index (docs/indexing.md). */
const indexFolder = z.object({
  root: shortText(4096),
  include: globs.optional(),
  exclude: globs.optional(),
  mode: z.enum(['incremental', 'full']).default('incremental'),
  /** A file that cannot be read or parsed is reported and skipped; with this set, it fails the job too. */
  failOnFileError: z.boolean().default(false),
  /**
   * Also delete indexed files that only fell out of this job's include/exclude filter (or a .gitignore). Off by
   * default: a narrower filter must not empty the index. Needs scope `index:delete`.
   */
  prune: z.boolean().default(false),
  /** Absent (or null): a job is one form or the other. */
  figma: z.null().optional(),
});

/** Its second form (issue 13): a Figma file's JSON to import into Design / DesignNode (docs/graph-api.md). */
const importFigma = z
  .object({
    figma: z
      .object({
        /** A Figma REST `GET /v1/files/:key` response saved as a file inside the allowed roots. */
        path: shortText(4096).optional(),
        /**
         * Or fetched: a figma.com file link (read through COGO_FIGMA_API_URL) or the REST URL itself, past the SSRF
         * guard (COGO_FIGMA_ALLOW_HOSTS) with the configured token. Credentials in it are refused, never stored.
         */
        url: shortText(2048).optional(),
        /** The file's key in Figma (the URL's `/file/<key>/`); the graph keys the design by it. Taken from `url` when absent. */
        fileKey: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,128}$/, 'letters, digits, _ and - (the key in the file URL)')
          .optional(),
        /** Component name or Figma node id → the component blueprint it implements (default: the same name). */
        mapping: z.record(shortText(1000), shortText(200)).optional(),
        /** Re-write every node even when this version of the file was imported before. */
        force: z.boolean().default(false),
      })
      .strict()
      .superRefine((figma, ctx) => {
        if ((figma.path === undefined) === (figma.url === undefined))
          ctx.addIssue({ code: 'custom', path: ['path'], message: 'give exactly one of path or url' });
        if (figma.url !== undefined && /^[a-z]+:\/\/[^/]*@/i.test(figma.url))
          ctx.addIssue({ code: 'custom', path: ['url'], message: 'must not carry credentials (the token is COGO_FIGMA_TOKEN)' });
        if (figma.fileKey === undefined && (figma.url === undefined || figmaKeyOf(figma.url) === undefined))
          ctx.addIssue({ code: 'custom', path: ['fileKey'], message: 'give fileKey, or a url with /file/<key>/, /design/<key>/ or /v1/files/<key>' });
      })
      .transform(({ fileKey, ...figma }) => ({ ...figma, fileKey: fileKey ?? figmaKeyOf(figma.url ?? '') ?? '' })),
  })
  .strict();

/** The typed input of each agent (DESIGN §4): validated once here, for GraphQL and REST alike. */
export const JOB_INPUTS = {
  research: z.object({
    question: shortText(4000),
    /** Credentials inside a URL (`user:pass@`) are replaced by `[redacted]` here, before anything stores the input. */
    sources: z.array(shortText(2048).transform(redactUrlCredentials)).max(50).optional(),
    maxItems: z.number().int().min(1).max(500).optional(),
    freshness: z.enum(['any', 'day', 'week', 'month', 'year']).optional(),
  }),
  /** Indexing a folder, or (issue 13) importing a Figma file's JSON into Design / DesignNode: one queue, two forms. */
  indexing: z.union([indexFolder, importFigma]),
  /**
   * A build (docs/build.md): `source` + `steps`, or the one-command form `workspace` + `command` (+ `timeoutSeconds`),
   * which runs as one step named `build`. Nested optional fields accept null: GraphQL sends omitted ones so.
   */
  build: z
    .object({
      /** A folder inside the allowed roots, or a git repository at a branch, tag or full commit sha (src/queue/git-source.ts). */
      source: z
        .object({ path: shortText(4096).nullish(), gitUrl: shortText(2048).nullish(), ref: shortText(256).nullish() })
        .strict()
        .superRefine((source, ctx) => {
          const git = source.gitUrl != null || source.ref != null;
          if ((source.path != null) === git) ctx.addIssue({ code: 'custom', message: 'give either path, or gitUrl and ref' });
          else if (git && (source.gitUrl == null || source.ref == null)) ctx.addIssue({ code: 'custom', message: 'a git source needs both gitUrl and ref' });
          const problem = (source.gitUrl != null ? gitUrlProblem(source.gitUrl) : undefined) ?? (source.ref != null ? gitRefProblem(source.ref) : undefined);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        })
        .transform((source): { path: string } | { gitUrl: string; ref: string } =>
          source.path != null ? { path: source.path } : { gitUrl: source.gitUrl ?? '', ref: source.ref ?? '' },
        )
        .optional(),
      steps: z
        .array(
          z
            .object({
              name: shortText(100),
              run: z.array(argument).min(1).max(256),
              /** Merged over the job's `env` for this step only. */
              env: envVars.nullish(),
              timeoutSeconds: z
                .number()
                .int()
                .min(1)
                .max(24 * 3600)
                .nullish(),
            })
            .strict(),
        )
        .min(1)
        .max(50)
        .refine((steps) => new Set(steps.map((s) => s.name)).size === steps.length, 'step names must be unique')
        .optional(),
      artifacts: globs.optional(),
      workspace: shortText(4096).optional(),
      command: z.array(argument).min(1).max(256).optional(),
      env: envVars.optional(),
      timeoutSeconds: z
        .number()
        .int()
        .min(1)
        .max(24 * 3600)
        .optional(),
      /** The host's network for every step (else none at all); needs scope `build:network` (src/auth/scopes.ts). */
      network: z.boolean().optional(),
      limits: z
        .object({
          cpuSeconds: z.number().int().min(1).nullish(),
          memoryBytes: z
            .number()
            .int()
            .min(16 * 1024 * 1024)
            .nullish(),
          processes: z.number().int().min(1).nullish(),
          openFiles: z.number().int().min(16).nullish(),
          fileBytes: z.number().int().min(1).nullish(),
          outputBytes: z.number().int().min(1024).nullish(),
        })
        .strict()
        .optional(),
    })
    .superRefine((input, ctx) => {
      if ((input.source === undefined) === (input.workspace === undefined))
        ctx.addIssue({ code: 'custom', path: ['source'], message: 'give exactly one of source or workspace' });
      if ((input.steps === undefined) === (input.command === undefined))
        ctx.addIssue({ code: 'custom', path: ['steps'], message: 'give exactly one of steps or command' });
      if (input.steps !== undefined && input.timeoutSeconds !== undefined)
        ctx.addIssue({ code: 'custom', path: ['timeoutSeconds'], message: 'with steps, set timeoutSeconds per step' });
    }),
  /**
   * A flow of actions (docs/execute.md): `steps` in order, each naming an action and its input (which may hold
   * `{"$ref": "steps.<name>.output.<path>"}`), or the one-action form `action` + `params`, run as one step named
   * after the action. The actions and their inputs are checked against the registry at enqueue (InputCheck).
   */
  execute: z
    .object({
      action: shortText(100).optional(),
      params: z.record(z.string(), z.unknown()).optional(),
      steps: z
        .array(
          z
            .object({
              name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, '1–64 letters, digits, _ or -'),
              action: shortText(100),
              input: z.record(z.string(), z.unknown()).nullish(),
            })
            .strict(),
        )
        .min(1)
        .max(50)
        .refine((steps) => new Set(steps.map((s) => s.name)).size === steps.length, 'step names must be unique')
        .optional(),
      dryRun: z.boolean().default(false),
    })
    .superRefine((input, ctx) => {
      if ((input.action === undefined) === (input.steps === undefined))
        ctx.addIssue({ code: 'custom', path: ['steps'], message: 'give exactly one of steps or action' });
      if (input.params !== undefined && input.action === undefined) ctx.addIssue({ code: 'custom', path: ['params'], message: 'params go with action' });
    }),
  /** A question for the orchestrator: passages to retrieve (k, where), and routing hints (docs/llm.md). */
  orchestrate: z.object({
    question: shortText(4000),
    k: z.number().int().min(1).max(50).default(8),
    filters: z.object({ roots: z.array(shortText(4096)).max(50).optional(), pathPrefixes: z.array(shortText(4096)).max(50).optional() }).optional(),
    taskType: z.string().max(32).optional(),
    risk: z.enum(['low', 'medium', 'high']).optional(),
    budgetUsd: z.number().min(0).optional(),
    /** Decomposition: a research child gathers evidence on the question (from these sources, if given) first. */
    research: z
      .object({
        sources: z.array(shortText(2048).transform(redactUrlCredentials)).max(50).nullish(),
        maxItems: z.number().int().min(1).max(50).nullish(),
        freshness: z.enum(['any', 'day', 'week', 'month', 'year']).nullish(),
      })
      .nullish(),
    /** Decomposition: an indexing child indexes this folder (incrementally) before passages are retrieved. */
    index: z.object({ root: shortText(4096), include: globs.nullish(), exclude: globs.nullish() }).nullish(),
    /**
     * After answering, propose a blueprint version of this name built from what the answer cited (status `proposed`,
     * a person accepts it; docs/graph-api.md). Needs scope `graph:write`. Only `module`: its spec can be read off
     * the cited documents; a component's or service's could not be without inventing it.
     */
    proposeBlueprint: z
      .object({ name: shortText(200), kind: z.enum(['module'], { message: 'an orchestrate job proposes module blueprints only' }).default('module') })
      .nullish(),
  }),
} satisfies Record<EnqueueType, z.ZodType>;

export type JobInput<T extends EnqueueType> = z.infer<(typeof JOB_INPUTS)[T]>;

/** The two forms of an indexing job's input: a folder to index, or a Figma file to import (issue 13). */
export type IndexFolderInput = Exclude<JobInput<'indexing'>, { figma: object }>;
export type FigmaImportInput = Extract<JobInput<'indexing'>, { figma: object }>;

export const isFigmaImport = (input: JobInput<'indexing'>): input is FigmaImportInput => 'figma' in input && input.figma != null;

/**
 * The schema one input is checked against: an indexing input with `figma` is an import, any other a folder, so
 * that a refusal names the fields of the form meant (a union's own refusal says only "Invalid input").
 */
function schemaFor(type: EnqueueType, input: unknown): z.ZodType {
  if (type !== 'indexing') return JOB_INPUTS[type];
  return input !== null && typeof input === 'object' && (input as { figma?: unknown }).figma != null ? importFigma : indexFolder;
}

export function parseJobInput<T extends EnqueueType>(type: T, input: unknown): JobInput<T> {
  const parsed = schemaFor(type, input).safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`);
    throw new AppError('BAD_INPUT', `invalid ${type} input: ${problems.join('; ')}`, { via: 'jobs', details: { problems } });
  }
  return parsed.data as JobInput<T>;
}
