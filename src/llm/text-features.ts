/** Shared text helpers for the extractive answerer and the grounding checker (English and Korean). */

const STOPWORDS = new Set(
  'the a an and or of to in on for is are was were be been by with as at from that this it its what which who how why when where does do did can could should would will there their them they than then into about over under not no yes you your we our i'.split(' '),
);

/** Splits prose into sentences: `.`, `!`, `?`, `。` and Korean sentence endings followed by space, or newlines. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?。])\s+|\n+/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Content terms: lowercased letter/digit runs without stopwords. Hangul words also yield their first two
 * syllables, a crude stem that survives particles (포트는 / 포트를 → 포트).
 */
export function contentTerms(text: string): string[] {
  const terms: string[] = [];
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}_-]*/gu) ?? []) {
    if (/\p{Script=Hangul}/u.test(word)) {
      terms.push(word);
      if (word.length > 2) terms.push(word.slice(0, 2));
    } else if (word.length > 1 && !STOPWORDS.has(word)) {
      terms.push(word);
    }
  }
  return terms;
}

/** Numbers as written (4000, 4,000, 1.5, 85%) normalised to their digits, so `4,000` and `4000` match. */
export function numbersIn(text: string): string[] {
  return (text.match(/\d[\d,]*(?:\.\d+)?/g) ?? []).map((n) => n.replace(/,/g, '').replace(/\.0+$/, ''));
}
