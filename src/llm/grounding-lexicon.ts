import { numberWordValue } from './text-features.js';

/**
 * The grounding checker's word lists (English and Korean): negation cues, polar opposites, units. Generic
 * lexicon, not phrases of any test set: a word belongs here because it flips or pins what a sentence claims.
 */

/** Negation cues: a clause that has one says the opposite of the same clause without it. */
export const NEGATION =
  /\b(not|never|no|none|nothing|neither|nor|nobody|cannot|can't|won't|doesn't|don't|isn't|aren't|wasn't|weren't|shouldn't|mustn't|without|(?:refuses?|refused|fails?|failed|declines?|declined) to)\b|않|없|못|아니|말고|(?<![가-힣])안(?=\s)/giu;

export const negationCount = (text: string) => text.match(NEGATION)?.length ?? 0;

/**
 * Opposites a sentence may swap against its passage. `claimNeedsSupport`: words a claim may only use when its
 * passage uses them too (a claim that something is lost, refused, kept in plain text, or that only X does it,
 * states a polar fact that a paraphrase cannot smuggle in); the rest only count as a swap when the passage says
 * the opposite.
 */
export interface OppositePair {
  a: RegExp;
  b: RegExp;
  /** Words that, when a claim uses them, the cited passage must use too (a side, or part of one). */
  claimNeedsSupport?: RegExp;
  /** What in the passage counts as that support, when more than the words themselves. */
  supportedBy?: RegExp;
}

const REFUSE = /\b(refuses?|refused|denies|deny|denied|blocks?|blocked|forbids?|forbidden|rejects?|rejected)\b|거부|거절|차단|금지/iu;
const LOSE =
  /\b(lost|loses?|losing|drops?|dropped|discards?|discarded|deletes?|deleted|removes?|removed|purges?|purged|erased?|wiped|evicts?|evicted|flush(?:es|ed)?|cleared)\b|삭제|잃|버려|비워|비우|사라/iu;
const PARSED = /\b(parsed|decoded|normali[sz]ed)\b/iu;
const PLAIN = /\b(plain ?text|clear ?text|unencrypted|unhashed|in the clear)\b|평문/iu;
const FOREVER = /\b(forever|permanently|indefinitely)\b|영구|영원/iu;
/** "Only" narrows a claim: 하지만 ("but") ends in 만 without meaning it. */
const ONLY = /\bonly\b|[가-힣](?<!지)만(?=\s|$)/iu;
/** What a passage may say that an "only" paraphrases: a restriction or an exception. */
const RESTRICTS = /\b(only|unless|except|just|solely)\b|[가-힣](?<!지)만(?=\s|$)|뿐/iu;

export const OPPOSITES: OppositePair[] = [
  { a: /\b(allows?|allowed|permits?|permitted|accepts?|accepted|admits?|admitted)\b(?!-)|허용|허락/iu, b: REFUSE, claimNeedsSupport: REFUSE },
  {
    a: /\b(all|every|everything|always)\b|모든|매번|항상/iu,
    b: new RegExp(`\\b(only|some)\\b|${ONLY.source}|일부`, 'iu'),
    claimNeedsSupport: ONLY,
    supportedBy: RESTRICTS,
  },
  {
    a: /\b(in order|sequential(?:ly)?|serial(?:ly)?|one (?:at a time|by one)|each in its own)\b|순서대로|차례로|하나씩/iu,
    b: /\b(in parallel|parallel|concurrent(?:ly)?|simultaneous(?:ly)?|at the same time|all in one)\b|병렬|동시에/iu,
  },
  { a: /\b(enabled?|on)\b|켜/iu, b: /\b(disabled?|off)\b|꺼/iu },
  { a: /\b(includes?|included)\b|포함/iu, b: /\b(excludes?|excluded)\b|제외/iu },
  { a: /\b(required|mandatory|must)\b|필수/iu, b: /\b(optional)\b|선택/iu },
  { a: /\b(increases?|more|higher|larger)\b|증가/iu, b: /\b(decreases?|less|fewer|lower|smaller)\b|감소/iu },
  { a: /\b(keeps?|kept|retains?|retained|preserves?|preserved|stays?|survives?)\b|유지|보관|보존/iu, b: LOSE, claimNeedsSupport: LOSE },
  { a: /\b(same)\b|같은|동일/iu, b: /\b(new|different|separate|fresh)\b|새로운|다른/iu },
  { a: /\b(continues?|continued|resumes?|resumed)\b|계속|재개/iu, b: /\b(restarts?|restarted|starts? over|from scratch|aborts?|aborted)\b|처음부터/iu },
  { a: /\b(running|started|live)\b|실행 중/iu, b: /\b(stopped|halted|shut down|offline)\b|중지|정지/iu },
  { a: /\b(raw|unparsed)\b|원본/iu, b: PARSED, claimNeedsSupport: PARSED },
  { a: /\b(hash(?:ed|es)?|encrypted|sealed)\b|해시|암호화/iu, b: PLAIN, claimNeedsSupport: PLAIN },
  { a: /\b(visible|public|exposed)\b|공개/iu, b: /\b(invisible|hidden|private)\b|비공개/iu },
  { a: /\b(synchronous(?:ly)?|blocking)\b|동기/iu, b: /\b(asynchronous(?:ly)?|non-blocking|in the background)\b|비동기/iu },
  { a: /\b(succeeds?|succeeded|success)\b|성공/iu, b: /\b(fails?|failed|failure)\b|실패/iu },
  { a: FOREVER, b: /\b(expires?|expired|temporar(?:y|ily)|then deleted)\b|만료|임시/iu, claimNeedsSupport: FOREVER },
  { a: /\b(at least|minimum|min)\b|이상|최소/iu, b: /\b(at most|up to|maximum|max)\b|이하|최대|까지/iu },
];

/** Prefixes that negate a word (visible → invisible): the two forms in a claim and its passage are a swap. */
export const NEGATING_PREFIX = /^(un|in|im|il|ir|non|dis)(.{4,})$/u;

/** Units: a claim's unit must be its passage's (seconds are not milliseconds, nightly is not hourly). */
const ENGLISH_UNITS: Record<string, string> = {
  millisecond: 'ms',
  milliseconds: 'ms',
  second: 's',
  seconds: 's',
  minute: 'min',
  minutes: 'min',
  hour: 'h',
  hours: 'h',
  hourly: 'h',
  day: 'day',
  days: 'day',
  daily: 'day',
  nightly: 'day',
  week: 'week',
  weeks: 'week',
  weekly: 'week',
  month: 'month',
  months: 'month',
  monthly: 'month',
  year: 'year',
  years: 'year',
  yearly: 'year',
  annually: 'year',
  byte: 'byte',
  bytes: 'byte',
  kb: 'kb',
  kib: 'kb',
  mb: 'mb',
  mib: 'mb',
  gb: 'gb',
  gib: 'gb',
  tb: 'tb',
  percent: '%',
};
/** Abbreviations that are units only right after a digit (`5 s`, `200ms`, `30%`). */
const ABBREVIATED_UNITS: Record<string, string> = { ms: 'ms', s: 's', sec: 's', min: 'min', h: 'h', '%': '%' };
/** Korean counters are units only right after a number (일 alone is "work"; 5일 is five days). */
const KOREAN_UNITS: Record<string, string> = {
  밀리초: 'ms',
  초: 's',
  분: 'min',
  시간: 'h',
  일: 'day',
  주일: 'week',
  주: 'week',
  개월: 'month',
  달: 'month',
  년: 'year',
  퍼센트: '%',
};
const NATIVE_KOREAN_NUMBERS: Record<string, string> = {
  한: '1',
  하나: '1',
  두: '2',
  둘: '2',
  세: '3',
  셋: '3',
  네: '4',
  넷: '4',
  다섯: '5',
  여섯: '6',
  일곱: '7',
  여덟: '8',
  아홉: '9',
};
const NATIVE = Object.keys(NATIVE_KOREAN_NUMBERS).join('|');
const KOREAN_NUMBER = new RegExp(`(?<![가-힣])(${NATIVE})(?=\\s)`, 'gu');
const COUNTED_KOREAN = new RegExp(`(?:\\d|(?<![가-힣])(?:${NATIVE}))\\s?(${Object.keys(KOREAN_UNITS).join('|')})`, 'gu');
const COUNTED_ABBREVIATION = new RegExp(`\\d\\s?(${Object.keys(ABBREVIATED_UNITS).join('|')})(?![A-Za-z])`, 'giu');

/** A token's number: digits, English number words, a native Korean count. */
export function numberValue(token: string): string | undefined {
  return numberWordValue(token) ?? NATIVE_KOREAN_NUMBERS[token];
}

/** Native Korean counts before a noun (두 단계 = 2 steps), as digits. */
export function koreanNumbersIn(text: string): string[] {
  return [...text.matchAll(KOREAN_NUMBER)].map((m) => NATIVE_KOREAN_NUMBERS[m[1]!]!);
}

/** Units a text states, normalised (`5분간`, `5 min` and `5 minutes` all give `min`). */
export function unitsIn(text: string): Set<string> {
  const out = new Set<string>();
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    const unit = ENGLISH_UNITS[word];
    if (unit) out.add(unit);
  }
  for (const m of text.matchAll(COUNTED_ABBREVIATION)) out.add(ABBREVIATED_UNITS[m[1]!.toLowerCase()]!);
  for (const m of text.matchAll(COUNTED_KOREAN)) out.add(KOREAN_UNITS[m[1]!]!);
  return out;
}
