import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * JSON APIs the research agent can use as sources without code (`COGO_RESEARCH_APIS`): a path to a JSON file,
 * or the JSON itself, holding a list of these. An auth header's value is read from the environment variable it
 * names, so the file can be committed and the secret stays in the environment.
 */
const jsonPath = z.string().regex(/^\$/, 'a JSON path starting with $');
const apiSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and -, at most 40'),
    baseUrl: z
      .string()
      .url()
      .refine((u) => /^https?:/.test(u), 'an http(s) URL'),
    searchPath: z.string().includes('{query}', { message: 'a path containing {query}' }),
    fetchPath: z.string().includes('{id}', { message: 'a path containing {id}' }).optional(),
    authHeader: z
      .object({ name: z.string().regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name'), env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name') })
      .strict()
      .optional(),
    mapping: z
      .object({
        items: jsonPath,
        url: jsonPath.optional(),
        id: jsonPath.optional(),
        title: jsonPath,
        snippet: jsonPath.optional(),
        text: z.union([jsonPath, z.array(jsonPath).min(1)]).optional(),
        documentTitle: jsonPath.optional(),
      })
      .strict(),
    maxResults: z.number().int().min(1).max(100).optional(),
  })
  .strict();

export interface ResearchApiConfig extends Omit<z.infer<typeof apiSchema>, 'authHeader'> {
  /** The header and its secret value, read from the environment. */
  authHeader?: { name: string; value: string };
}

/** Parses COGO_RESEARCH_APIS; returns the APIs, or the problems (each naming what to fix) and no APIs. */
export function parseResearchApis(raw: string | undefined, env: NodeJS.ProcessEnv, cwd: string): { apis: ResearchApiConfig[]; problems: string[] } {
  if (!raw) return { apis: [], problems: [] };
  const problem = (text: string) => ({ apis: [], problems: [`COGO_RESEARCH_APIS: ${text}`] });
  let text = raw;
  if (!raw.trimStart().startsWith('[')) {
    try {
      text = readFileSync(path.resolve(cwd, raw), 'utf8');
    } catch {
      return problem(`expected inline JSON (a list) or a readable JSON file; cannot read ${path.resolve(cwd, raw)}`);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return problem(`not valid JSON (${(error as Error).message})`);
  }
  const parsed = z.array(apiSchema).safeParse(json);
  if (!parsed.success) {
    return { apis: [], problems: parsed.error.issues.map((i) => `COGO_RESEARCH_APIS: [${i.path.join('.')}] expected ${i.message}`) };
  }
  const problems: string[] = [];
  const names = new Set<string>();
  const apis = parsed.data.map(({ authHeader, ...api }) => {
    if (names.has(api.name)) problems.push(`COGO_RESEARCH_APIS: the name "${api.name}" is used twice`);
    names.add(api.name);
    if (!authHeader) return api;
    const value = env[authHeader.env];
    if (!value) problems.push(`COGO_RESEARCH_APIS: API "${api.name}" sends ${authHeader.name} from ${authHeader.env}, which is unset`);
    return { ...api, authHeader: { name: authHeader.name, value: value ?? '' } };
  });
  return problems.length ? { apis: [], problems } : { apis, problems };
}
