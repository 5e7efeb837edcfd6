import { writeFile } from 'node:fs/promises';

/** A node as Figma's REST API returns it, with the geometry fields real responses carry (the import ignores them). */
type Node = Record<string, unknown> & { id: string; name: string; type: string; children?: Node[] };

const box = (x: number, y: number, width: number, height: number) => ({
  absoluteBoundingBox: { x, y, width, height },
  constraints: { vertical: 'TOP', horizontal: 'LEFT' },
});
const fill = (r: number, g: number, b: number) => ({ fills: [{ blendMode: 'NORMAL', type: 'SOLID', color: { r, g, b, a: 1 } }], strokes: [], effects: [] });

const text = (id: string, name: string, characters: string): Node => ({
  id,
  name,
  type: 'TEXT',
  characters,
  style: { fontFamily: 'Inter', fontWeight: 500, fontSize: 14, textAlignHorizontal: 'LEFT', lineHeightPx: 20 },
  ...box(0, 0, 120, 20),
  ...fill(0.1, 0.1, 0.1),
});

const instance = (id: string, name: string, componentId: string, label: string): Node => ({
  id,
  name,
  type: 'INSTANCE',
  componentId,
  ...box(0, 0, 120, 40),
  ...fill(1, 1, 1),
  children: [text(`I${id};1:3`, 'Label', label), { id: `I${id};1:4`, name: 'Background', type: 'RECTANGLE', ...box(0, 0, 120, 40), ...fill(0.2, 0.4, 1) }],
});

/** A frame, group or other node that holds others, at a position and size on its page. */
const container = (type: string, id: string, name: string, [x, y, width, height]: number[], children: Node[]): Node => ({
  id,
  name,
  type,
  ...box(x ?? 0, y ?? 0, width ?? 0, height ?? 0),
  ...fill(1, 1, 1),
  children,
});

export interface FigmaFixtureOptions {
  version: string;
  lastModified: string;
  /** The sign-in button's label (a changed text node). */
  signInLabel?: string;
  /** Whether the settings page's "Danger zone" frame is there (a removed subtree). */
  dangerZone?: boolean;
  /** Whether the sign-up screen has a second button (an added instance). */
  secondaryButton?: boolean;
}

/**
 * A Figma file as `GET /v1/files/:key` returns it: a document with a components page (a Button component set with
 * two variants, an Input component) and two screens' pages with frames of instances and texts, vector shapes and
 * rectangles in between (which the import leaves out), plus the `components` map, styles and schema version.
 */
export function figmaFile(options: FigmaFixtureOptions): Record<string, unknown> {
  const signIn = container(
    'FRAME',
    '10:1',
    'Sign in',
    [0, 0, 390, 844],
    [
      text('10:2', 'Title', 'Welcome back'),
      instance('10:3', 'Email field', '1:20', 'Email'),
      instance('10:4', 'Sign in button', '1:11', options.signInLabel ?? 'Sign in'),
      { id: '10:5', name: 'Logo', type: 'VECTOR', ...box(0, 0, 40, 40), ...fill(0, 0, 0) },
    ],
  );
  const signUp = container(
    'FRAME',
    '11:1',
    'Sign up',
    [400, 0, 390, 844],
    [
      text('11:2', 'Title', 'Create an account'),
      instance('11:3', 'Create button', '1:11', 'Create account'),
      ...(options.secondaryButton ? [instance('11:4', 'Back button', '1:12', 'Back')] : []),
    ],
  );
  const dangerZone = container(
    'FRAME',
    '20:6',
    'Danger zone',
    [0, 400, 600, 120],
    [text('20:7', 'Warning', 'Deleting your account cannot be undone.'), instance('20:8', 'Delete button', '1:12', 'Delete account')],
  );
  const settings = container(
    'FRAME',
    '20:1',
    'Settings',
    [0, 0, 1440, 900],
    [
      text('20:2', 'Heading', 'Settings'),
      container(
        'GROUP',
        '20:3',
        'Profile',
        [0, 80, 600, 200],
        [instance('20:4', 'Name field', '1:20', 'Name'), instance('20:5', 'Save button', '1:11', 'Save')],
      ),
      ...(options.dangerZone === false ? [] : [dangerZone]),
    ],
  );
  const components: Node = {
    id: '0:2',
    name: 'Components',
    type: 'CANVAS',
    backgroundColor: { r: 0.96, g: 0.96, b: 0.96, a: 1 },
    children: [
      {
        id: '1:10',
        name: 'Button',
        type: 'COMPONENT_SET',
        ...box(0, 0, 300, 120),
        children: [
          { id: '1:11', name: 'Variant=Primary', type: 'COMPONENT', ...box(0, 0, 120, 40), children: [text('1:13', 'Label', 'Button')] },
          { id: '1:12', name: 'Variant=Secondary', type: 'COMPONENT', ...box(0, 60, 120, 40), children: [text('1:14', 'Label', 'Button')] },
        ],
      },
      {
        id: '1:20',
        name: 'Input',
        type: 'COMPONENT',
        ...box(0, 200, 240, 40),
        children: [text('1:21', 'Placeholder', 'Placeholder'), { id: '1:22', name: 'Border', type: 'RECTANGLE', ...box(0, 0, 240, 40) }],
      },
    ],
  };
  return {
    name: 'Acme app',
    role: 'owner',
    lastModified: options.lastModified,
    editorType: 'figma',
    thumbnailUrl: 'https://s3-alpha.figma.com/thumbnails/acme',
    version: options.version,
    schemaVersion: 0,
    document: {
      id: '0:0',
      name: 'Document',
      type: 'DOCUMENT',
      children: [
        components,
        { id: '0:1', name: 'Onboarding', type: 'CANVAS', children: [signIn, signUp] },
        { id: '0:3', name: 'Settings', type: 'CANVAS', children: [settings] },
      ],
    },
    components: {
      '1:11': { key: 'a1', name: 'Variant=Primary', description: 'Primary action', componentSetId: '1:10', documentationLinks: [] },
      '1:12': { key: 'a2', name: 'Variant=Secondary', description: '', componentSetId: '1:10', documentationLinks: [] },
      '1:20': { key: 'a3', name: 'Input', description: 'Text input', documentationLinks: [] },
    },
    componentSets: { '1:10': { key: 's1', name: 'Button', description: 'Buttons' } },
    styles: {},
  };
}

/** Writes the fixture where an import job can read it. */
export async function writeFigmaFile(path: string, options: FigmaFixtureOptions): Promise<void> {
  await writeFile(path, JSON.stringify(figmaFile(options)));
}
