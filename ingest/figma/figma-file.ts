import { z } from 'zod';
import { AppError } from '../../src/errors.js';

/** A node of a Figma document tree, as `GET /v1/files/:key` returns it (the fields the graph keeps). */
export interface FigmaNode {
  id: string;
  name: string;
  type: string;
  characters?: string;
  componentId?: string;
  children?: FigmaNode[];
}

const node: z.ZodType<FigmaNode> = z.lazy(() =>
  z.object({
    id: z.string().min(1).max(200),
    name: z.string().max(1000),
    type: z.string().min(1).max(100),
    characters: z.string().max(100_000).optional(),
    componentId: z.string().max(200).optional(),
    children: z.array(node).max(10_000).optional(),
  }),
);

/** The parts of the Figma REST file response the import reads; everything else (styles, geometry) is ignored. */
export const figmaFileSchema = z.object({
  name: z.string().max(1000),
  lastModified: z.string().max(100),
  version: z.string().min(1).max(100),
  document: node,
  components: z.record(z.string(), z.object({ key: z.string().optional(), name: z.string(), description: z.string().optional() })).default({}),
});

export type FigmaFile = z.infer<typeof figmaFileSchema>;

/** Parses a Figma file response, or BAD_INPUT naming the first fields that are not what Figma returns. */
export function parseFigmaFile(json: unknown, where: string): FigmaFile {
  const parsed = figmaFileSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'file'}: ${issue.message}`)
    .join('; ');
  throw new AppError('BAD_INPUT', `${where} is not a Figma file response (GET /v1/files/:key): ${problems}`, { via: 'figma' });
}
