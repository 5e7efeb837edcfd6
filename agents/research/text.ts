/**
 * Small text helpers shared by planning, ranking, dedup and conflict marking. Deliberately language-light:
 * lower-casing, Unicode letter/digit tokens and an English stop-word list; no stemming beyond a plural "s".
 */

const STOP_WORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each few for from further had has have having he her here hers him his how ' +
    'i if in into is it its itself just me more most my no nor not now of off on once only or other our ours out over own ' +
    're same she should so some such than that the their theirs them then there these they this those through to too ' +
    'under until up very was we were what when where which while who whom why will with would you your yours ' +
    'tell explain describe find show give list please much many get got also use used using vs versus'
  ).split(' '),
);

/** Lower-cased letter/digit runs, in order. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Folds a plural `s` so that "turbines" matches "turbine"; short words and `ss` endings are left alone. */
export function stem(token: string): string {
  return token.length > 3 && token.endsWith('s') && !token.endsWith('ss') ? token.slice(0, -1) : token;
}

export function isStopWord(token: string): boolean {
  return STOP_WORDS.has(token);
}

/** The question's content words: no stop words, no single characters, each once, in order of appearance. */
export function keywords(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const token of tokenize(text)) {
    if (token.length < 2 || isStopWord(token) || seen.has(token)) continue;
    seen.add(token);
    out.push(token);
  }
  return out;
}

/** Sentences (and lines, which in extracted text are headings or list items), trimmed, non-empty. */
export function sentences(text: string): string[] {
  return text
    .split(/\n+|(?<=[.!?])\s+(?=[\p{Lu}\p{N}"'(])/u)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Cuts at a word boundary and marks the cut, so a quote never ends mid-word. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(' ', max - 1);
  return `${text.slice(0, cut > max * 0.6 ? cut : max - 1).trimEnd()}…`;
}

/** What the content hash is taken over: case and whitespace do not make two texts different. */
export function normalizeForHash(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}
