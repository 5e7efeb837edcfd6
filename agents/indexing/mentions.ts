/**
 * Which entities of a root a chunk mentions: identifiers in its text that name an entity. Plain lowercase words
 * (`search`, `render`) are names and English words at once, so they count only inside code chunks; names
 * with a capital, a digit or an underscore (`createEmbedder`, `MAX_BYTES`) count anywhere, prose included.
 */
const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$]*/g;
const PLAIN_WORD = /^[a-z]+$/;
const MIN_LENGTH = 3;
/** Names too generic to link: they would connect every chunk to every file that declares one. */
const GENERIC = new Set([
  'default',
  'constructor',
  'module',
  'exports',
  'require',
  'index',
  'main',
  'init',
  'run',
  'get',
  'set',
  'type',
  'value',
  'data',
  'options',
  'config',
  'test',
]);

/** Whether a name can ever be linked (long enough, not generic); where it may appear is mentionedEntityIds' call. */
export function isLinkableName(name: string): boolean {
  return name.length >= MIN_LENGTH && !GENERIC.has(name);
}

export function mentionedEntityIds(text: string, kind: string, names: ReadonlyMap<string, readonly string[]>): string[] {
  if (names.size === 0) return [];
  const found = new Set<string>();
  const code = kind === 'code-declaration';
  for (const match of text.matchAll(IDENTIFIER)) {
    const name = match[0];
    if (!isLinkableName(name)) continue;
    const ids = names.get(name);
    if (!ids) continue;
    if (!code && PLAIN_WORD.test(name)) continue;
    for (const id of ids) found.add(id);
  }
  return [...found].sort();
}
