/** Shared text helpers for the extractive answerer and the grounding checker (English and Korean). */

const STOPWORDS = new Set(
  'the a an and or of to in on for is are was were be been by with as at from that this it its what which who how why when where does do did can could should would will there their them they than then into about over under not no yes you your we our i'.split(
    ' ',
  ),
);

/** Splits prose into sentences: `.`, `!`, `?`, `。` and Korean sentence endings followed by space, or newlines. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?。])\s+|\n+/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Irregular forms a suffix rule cannot reach, as their base (kept → keep). */
const IRREGULAR: Record<string, string> = {
  kept: 'keep',
  lost: 'lose',
  sent: 'send',
  built: 'build',
  ran: 'run',
  wrote: 'write',
  written: 'write',
  got: 'get',
  gave: 'give',
  given: 'give',
  took: 'take',
  taken: 'take',
  made: 'make',
  found: 'find',
  held: 'hold',
  left: 'leave',
  chose: 'choose',
  chosen: 'choose',
  began: 'begin',
  begun: 'begin',
  went: 'go',
  gone: 'go',
  spent: 'spend',
  shown: 'show',
  known: 'know',
};

/**
 * A light English stem: rotates / rotated / rotating / rotate → rotat, deduplication / deduplicated →
 * deduplicat, immediately → immediat, uses / used → us, kept → keep.
 */
export function stem(word: string): string {
  const base = IRREGULAR[word] ?? word;
  const adverb = base.length > 5 ? base.replace(/ly$/, '') : base;
  const cut = adverb.replace(/ations?$/, 'at').replace(/(ing|ed|es|s|e)$/, '');
  return cut.length >= 2 ? cut : base;
}

/**
 * Content terms: lowercased, stemmed letter/digit runs without stopwords. Hangul words also yield their first two
 * syllables, a crude stem that survives particles (포트는 / 포트를 → 포트).
 */
export function contentTerms(text: string): string[] {
  const terms: string[] = [];
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}_-]*/gu) ?? []) {
    if (/\p{Script=Hangul}/u.test(word)) {
      terms.push(word);
      if (word.length > 2) terms.push(word.slice(0, 2));
    } else if (word.length > 1 && !STOPWORDS.has(word)) {
      terms.push(stem(word));
    }
  }
  return terms;
}

const NUMBER_WORDS: Record<string, string> = {
  zero: '0',
  once: '1',
  twice: '2',
  thrice: '3',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  ten: '10',
  eleven: '11',
  twelve: '12',
  fifteen: '15',
  twenty: '20',
  thirty: '30',
  forty: '40',
  fifty: '50',
  sixty: '60',
  seventy: '70',
  eighty: '80',
  ninety: '90',
  hundred: '100',
  thousand: '1000',
  million: '1000000',
};
const NUMBER_WORD = new RegExp(`\\b(${Object.keys(NUMBER_WORDS).join('|')})\\b`, 'gi');

/** "one" before a noun is a count (one transaction); elsewhere it is far more often a pronoun (the previous one by …). */
const COUNTED_ONE = /\bone\s+(?!(?:of|that|which|who|another|by|at|or|and|to|in|is|was)\b)[a-z]{3,}/gi;

/**
 * Numbers as written (4000, 4,000, 1.5, "five", "one" before a noun) normalised to digits, so `4,000` and
 * `4000`, `five` and `5` match.
 */
export function numbersIn(text: string): string[] {
  const digits = (text.match(/\d[\d,]*(?:\.\d+)?/g) ?? []).map((n) => n.replace(/,/g, '').replace(/\.0+$/, ''));
  const words = (text.match(NUMBER_WORD) ?? [])
    .map((w) => w.toLowerCase())
    .filter((w) => w !== 'one')
    .map((w) => NUMBER_WORDS[w]!);
  const ones = (text.match(COUNTED_ONE) ?? []).map(() => '1');
  return [...digits, ...words, ...ones];
}

/** One token's number, normalised like numbersIn (`4,000` → 4000, `five` → 5); undefined for any other word. */
export function numberWordValue(token: string): string | undefined {
  if (/^\d[\d,]*(?:\.\d+)?$/.test(token)) return token.replace(/,/g, '').replace(/\.0+$/, '');
  const lower = token.toLowerCase();
  return lower === 'one' ? undefined : NUMBER_WORDS[lower];
}
