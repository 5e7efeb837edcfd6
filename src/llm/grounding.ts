import type { AnswerSentence } from './answer-types.js';
import { koreanNumbersIn, NEGATING_PREFIX, NEGATION, negationCount, numberValue, OPPOSITES, unitsIn } from './grounding-lexicon.js';
import { contentTerms, numbersIn, splitSentences, stem } from './text-features.js';

export interface GroundingPassage {
  id: string;
  text: string;
  /** `path:lines` or URL: naming the cited document ("the README says") is supported by the citation itself. */
  ref?: string;
}

export interface SentenceVerdict {
  index: number;
  text: string;
  citations: string[];
  /** States a fact (numbers, names, quotes or enough content words): such a sentence must cite. */
  factual: boolean;
  supported: boolean;
  /** Why not, one entry per failed check. */
  problems: string[];
  /**
   * Failed only the checks that read the wording (word overlap, end focus, number context, negation, opposites),
   * which a correct paraphrase can fail too, not the literal ones (quoted spans, numbers, units, names, known
   * citations): the grounding judge may overrule these (src/llm/grounding-judge.ts).
   */
  paraphraseOnly: boolean;
}

export interface GroundingReport {
  grounded: boolean;
  sentences: SentenceVerdict[];
  unsupported: SentenceVerdict[];
}

export interface GroundingOptions {
  /** Share of a sentence's content terms that its cited passages must contain. Default 0.5. */
  minOverlap?: number;
}

// A single quote opens and closes only outside a word, so possessives and contractions (_the tenant's key … the
// tenant's_) are not read as a quoted span.
const QUOTED = /"([^"]{3,})"|“([^”]{3,})”|「([^」]{2,})」|(?<![\p{L}\p{N}])'([^']{6,})'(?![\p{L}\p{N}])/gu;
/** Names: capitalised words after the first, CamelCase, camelCase (gRPC), snake_case, ALL_CAPS, words with digits, dotted or dashed identifiers. */
const NAME =
  /(?<![A-Za-z0-9_])([A-Z][a-z]+[A-Z][\w]*|[a-z]+[A-Z][\w]*|[A-Za-z]+_[\w]+|[A-Z]{2,}[\w]*|[A-Za-z]+\d[\w.-]*|[a-z]+[.-][a-z][\w.-]*|[A-Z][a-z]{2,})(?![A-Za-z0-9_])/gu;

const ABOUT_SOURCES =
  /\b(documentation|documents?|docs?|passages?|sources?|says?|said|mentions?|mentioned|covers?|covered|answers?|questions?|here|there|summary|short)\b/giu;
const NEGATED_WORD = /\b(?:not|without|no)\s+(\p{L}{4,})/giu;

/** "not visible" / "without activity" becomes "invisible" / "inactivity" where the passage has that word. */
function foldNegatedPrefixes(text: string, passage: string): string {
  return text.replace(NEGATED_WORD, (phrase, word: string) => {
    const lower = word.toLowerCase();
    const prefixed = ['un', 'in', 'im', 'il', 'ir', 'non', 'non-', 'dis'].map((p) => p + lower).find((w) => new RegExp(`\\b${w}\\b`, 'u').test(passage));
    return prefixed ?? phrase;
  });
}

const normalise = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Checks that every fact sentence cites, and that its cited passages support it: quoted spans present verbatim;
 * every number, unit and name present, each number in the passage clause that speaks of the same thing (not a
 * number of another fact); most content words present; and, against the passage clauses it matches best, no
 * negation dropped or added and no opposite swapped in. Deterministic and model-free, so it can judge any tier's answer.
 */
export function checkGrounding(sentences: AnswerSentence[], passages: GroundingPassage[], options: GroundingOptions = {}): GroundingReport {
  const byId = new Map(passages.map((p) => [p.id, p]));
  const minOverlap = options.minOverlap ?? 0.5;
  const verdicts = sentences.map((sentence, index): SentenceVerdict => {
    const text = sentence.text.trim();
    const problems: string[] = [];
    const quotes = [...text.matchAll(QUOTED)].map((m) => (m[1] ?? m[2] ?? m[3] ?? m[4])!);
    const numbers = [...numbersIn(text), ...koreanNumbersIn(text)];
    const names = namesIn(text);
    // Words about the sources themselves ("the documentation says") do not make a sentence a fact.
    const factual = quotes.length > 0 || numbers.length > 0 || names.length > 0 || new Set(contentTerms(text.replace(ABOUT_SOURCES, ' '))).size >= 4;
    const unknown = sentence.citations.filter((id) => !byId.has(id));
    for (const id of unknown) problems.push(`cites ${id}, which is not among the retrieved passages`);
    const cited = sentence.citations.map((id) => byId.get(id)).filter((p): p is GroundingPassage => p !== undefined);
    if (cited.length === 0) {
      if (factual && unknown.length === 0) problems.push('states a fact without a citation');
      return { index, text, citations: sentence.citations, factual, supported: problems.length === 0, problems, paraphraseOnly: false };
    }
    const source = cited.map((p) => p.text).join('\n');
    const flat = normalise(source);
    // "without activity" is the passage's "inactivity": compared as the passage words it.
    const claim = foldNegatedPrefixes(text, flat);
    const terms = [...new Set(contentTerms(claim))];
    for (const quote of quotes) if (!flat.includes(normalise(quote))) problems.push(`quoted span not in the cited passage: "${quote}"`);
    const sourceNumbers = new Set([...numbersIn(source), ...koreanNumbersIn(source)]);
    for (const n of numbers) if (!sourceNumbers.has(n)) problems.push(`number ${n} not in the cited passage`);
    const sourceUnits = unitsIn(source);
    for (const unit of unitsIn(text)) if (!sourceUnits.has(unit)) problems.push(`unit ${unit} not in the cited passage`);
    const sourceTerms = new Set(contentTerms(source));
    const refs = normalise(cited.map((p) => p.ref ?? '').join(' '));
    for (const name of names) {
      const lower = name.toLowerCase();
      // A hyphenated word (re-queued) is a name by shape only: its stem in the passage (re-queue) is enough.
      if (!flat.includes(lower) && !refs.includes(lower) && !sourceTerms.has(stem(lower))) problems.push(`name ${name} not in the cited passage`);
    }
    const literal = problems.length;
    if (terms.length > 0) {
      const overlap = terms.filter((t) => sourceTerms.has(t)).length / terms.length;
      if (overlap < minOverlap) problems.push(`only ${Math.round(overlap * 100)} % of its words are in the cited passage`);
    }
    // End focus: an English sentence puts what it asserts last ("… split at paragraphs"); that word must be the passage's.
    const last = lastWord(claim);
    if (last && !sourceTerms.has(last)) problems.push(`ends on "${last}", which the cited passage does not say`);
    if (problems.length === 0) problems.push(...alignmentProblems(claim, source));
    // Every quote, number, unit and name is there; what failed is a reading of the wording, which a paraphrase can fail.
    const paraphraseOnly = literal === 0 && problems.length > 0;
    return { index, text, citations: sentence.citations, factual, supported: problems.length === 0, problems, paraphraseOnly };
  });
  return groundingReportOf(verdicts);
}

/** A report from its sentences' verdicts: the rules' here, the judge's where it overruled them (grounding-judge.ts). */
export function groundingReportOf(sentences: SentenceVerdict[]): GroundingReport {
  const unsupported = sentences.filter((v) => !v.supported);
  return { grounded: unsupported.length === 0, sentences, unsupported };
}

/** The stem of an English sentence's last content word; none for a Korean sentence (its last word is the verb's ending). */
function lastWord(text: string): string | undefined {
  const words = text.match(/[\p{L}\p{N}][\p{L}\p{N}_-]*/gu) ?? [];
  for (let i = words.length - 1; i >= 0; i--) {
    const word = words[i]!;
    if (/\p{Script=Hangul}/u.test(word)) return undefined;
    const terms = contentTerms(word);
    // A trailing adverb (immediately, sequentially) qualifies the assertion; the word before it carries it.
    if (terms.length > 0 && numberValue(word) === undefined && !/^\p{L}{4,}ly$/u.test(word)) return terms[0];
  }
  return undefined;
}

/** Names that must match: the sentence's first word is skipped, it is capitalised for grammar, not as a name. */
function namesIn(text: string): string[] {
  const firstWord = /^[^\p{L}\p{N}]*([\p{L}\p{N}]+)/u.exec(text)?.[1];
  const out = new Set<string>();
  for (const match of text.matchAll(NAME)) {
    const name = match[1]!;
    if (match.index === text.indexOf(firstWord ?? '\u0000') && /^[A-Z][a-z]+$/.test(name)) continue;
    out.add(name.replace(/[.-]+$/, ''));
  }
  return [...out];
}

/**
 * The checks that need to know which part of the passage a clause of the sentence speaks of: each clause is
 * matched to the passage clauses that share the most of its words, and must agree with one of them.
 */
function alignmentProblems(text: string, source: string): string[] {
  const problems: string[] = [];
  const passageSentences = splitSentences(source);
  const passageClauses = passageSentences.flatMap((sentence) => splitClauses(sentence).map((clause) => toClause(clause, sentence)));
  const sentenceTerms = new Set(contentTerms(text));
  const sourceTerms = new Set(contentTerms(source));
  const claimClauses = splitClauses(text).map((clause) => toClause(clause, text));
  for (const claim of claimClauses) {
    for (const { claimNeedsSupport: needed, supportedBy } of OPPOSITES) {
      const word = needed?.exec(claim.text)?.[0];
      if (word && !(supportedBy ?? needed!).test(source)) problems.push(`"${word}" is not what the cited passage says`);
    }
    const best = bestClauses(claim, passageClauses);
    if (best.length === 0) continue;
    // Negation: as many cues about shared words as one of its best matches, or as the sentence around that match
    // ("Without X, …"). A cue about other words ("… and the service refuses to start") is not this clause's.
    const negations = negationsAbout(claim.text, sourceTerms);
    if (!best.some((p) => negationsAbout(p.text, claim.terms) === negations || negationsAbout(p.sentence, claim.terms) === negations)) {
      problems.push(`negation differs from the cited passage: "${best[0]!.sentence}"`);
    }
    for (const pair of OPPOSITES) {
      // Only a clean swap: a sentence that names both sides ("kept for 7 days, then deleted") rephrases, it does not flip.
      const side = (t: string) => (pair.a.test(t) && !pair.b.test(t) ? 'a' : pair.b.test(t) && !pair.a.test(t) ? 'b' : undefined);
      const claimSide = side(claim.text);
      if (!claimSide) continue;
      // The passage's sentence may say the claim's side too, outside a condition ("kept for 7 days, then deleted").
      const sayingSo = (p: Clause) => passageClauses.some((q) => q.sentence === p.sentence && q !== p && !q.conditional && side(q.text) === claimSide);
      const swapped = best.find((p) => side(p.text) !== undefined && side(p.text) !== claimSide && !sayingSo(p));
      if (swapped) problems.push(`says the opposite of the cited passage: "${swapped.sentence}"`);
    }
    const prefixed = prefixSwap(claim, best);
    if (prefixed) problems.push(`says the opposite of the cited passage: "${prefixed}"`);
  }
  // A negated passage clause whose words the sentence repeats without the negation ("never the request body").
  for (const clause of passageClauses) {
    const cue = NEGATION_AT.exec(clause.text);
    if (!cue) continue;
    const scope = contentTerms(clause.text.slice(cue.index + cue[0].length)).slice(0, 4);
    const pinned = scope.length >= 2 || (scope.length === 1 && /[A-Z_]{3,}/.test(clause.text.slice(cue.index)));
    if (!pinned || !scope.every((t) => sentenceTerms.has(t))) continue;
    const holder = claimClauses.find((c) => scope.every((t) => c.terms.has(t)));
    if (holder && negationCount(holder.text) === 0) problems.push(`the cited passage says the opposite: "${clause.text}"`);
  }
  const sentences = passageSentences.map((sentence) => toClause({ text: sentence, conditional: false }, sentence));
  problems.push(...numberContextProblems(claimClauses, sentences));
  return [...new Set(problems)];
}

/**
 * Negation cues in `text` whose scope shares a word with `terms`: the next four content words of an English cue;
 * the four before a Korean one (it follows the verb: 넣을 수 없습니다) and the two after it (참조하지 않는 아티팩트).
 */
function negationsAbout(text: string, terms: Set<string>): number {
  let n = 0;
  for (const cue of text.matchAll(NEGATION)) {
    const korean = /\p{Script=Hangul}/u.test(cue[0]);
    const after = contentTerms(text.slice(cue.index + cue[0].length));
    const around = korean ? [...contentTerms(text.slice(0, cue.index)).slice(-4), ...after.slice(0, 2)] : after.slice(0, 4);
    if (around.some((t) => terms.has(t))) n += 1;
  }
  return n;
}

interface Clause {
  text: string;
  /** The sentence the clause belongs to. */
  sentence: string;
  conditional: boolean;
  terms: Set<string>;
  tokens: Token[];
}

interface Token {
  /** The number it states, normalised (`4,000` → 4000, `five` → 5, `두` → 2). */
  number: string | undefined;
  /** What it is compared by when next to a number: an English stem, a Korean word's first syllable; none for stopwords. */
  key: string | undefined;
}

const NEGATION_AT = new RegExp(NEGATION.source, 'iu');
const CLAUSE_BREAK = /([,;:]\s+|\s+(?:but|while|whereas|although|though|so that|unless|except)\s+|\s+[—–]\s+|(?<=아니라|지만|면서|는데)\s+)/iu;
const CONDITION = /^(?:if|when|unless|except)\b|unless|except/iu;
const TOKEN = /\d[\d,]*(?:\.\d+)?|[\p{L}\p{N}][\p{L}\p{N}_-]*/gu;

/** A sentence's clauses; `conditional` for an exception or condition ("unless …", "if …"), which is not what the sentence says by default. */
function splitClauses(sentence: string): { text: string; conditional: boolean }[] {
  const parts = sentence.split(CLAUSE_BREAK);
  const out: { text: string; conditional: boolean }[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const text = parts[i]!.trim();
    if (text) out.push({ text, conditional: CONDITION.test(text) || (i > 0 && CONDITION.test(parts[i - 1]!.trim())) });
  }
  return out;
}

function toClause({ text, conditional }: { text: string; conditional: boolean }, sentence: string): Clause {
  const tokens = (text.match(TOKEN) ?? []).map((word): Token => {
    const number = numberValue(word);
    if (number !== undefined) return { number, key: undefined };
    if (/\p{Script=Hangul}/u.test(word)) return { number, key: word.slice(0, 1) };
    return { number, key: contentTerms(word)[0] };
  });
  return { text, sentence, conditional, terms: new Set(contentTerms(text)), tokens };
}

const overlap = (a: Set<string>, b: Set<string>) => {
  let n = 0;
  for (const t of a) if (b.has(t)) n += 1;
  return n;
};

/** The passage clauses sharing the most words with the claim clause (ties all count); none below two shared words. */
function bestClauses(claim: Clause, clauses: Clause[]): Clause[] {
  const scores = clauses.map((c) => overlap(claim.terms, c.terms));
  const top = Math.max(0, ...scores);
  if (top < Math.min(2, claim.terms.size)) return [];
  return clauses.filter((_, i) => scores[i] === top);
}

/** `visible` against `invisible`, `encrypted` against `unencrypted`: a negating prefix swapped in or out. */
function prefixSwap(claim: Clause, best: Clause[]): string | undefined {
  const words = (text: string) => new Set(text.toLowerCase().match(/\p{L}+/gu) ?? []);
  const mine = words(claim.text);
  for (const clause of best) {
    const theirs = words(clause.text);
    for (const [a, b] of [
      [mine, theirs],
      [theirs, mine],
    ] as const) {
      for (const word of a) {
        const m = NEGATING_PREFIX.exec(word);
        if (m && b.has(m[2]!) && !a.has(m[2]!)) return clause.text;
      }
    }
  }
  return undefined;
}

/** The keys of the nearest two content tokens on each side of position i. */
function neighbours(tokens: Token[], i: number): { left: string[]; right: string[] } {
  const side = (step: number) => {
    const out: string[] = [];
    for (let j = i + step; j >= 0 && j < tokens.length && out.length < 2; j += step) if (tokens[j]!.key) out.push(tokens[j]!.key!);
    return out;
  };
  return { left: side(-1), right: side(1) };
}

/**
 * A number must be stated in the passage about the same thing: in a clause that matches the sentence's clause
 * about as well as its best match, next to the same words ("30 seconds" of the re-claim is not the lock's 10 s;
 * "2 build jobs" are not 2 indexing jobs).
 */
function numberContextProblems(claims: Clause[], passage: Clause[]): string[] {
  const problems: string[] = [];
  for (const claim of claims) {
    // Scored on its words, not its numbers: sharing "30" with a clause is what is being checked, not evidence.
    const words = new Set([...claim.terms].filter((t) => numberValue(t) === undefined));
    const top = Math.max(0, ...passage.map((c) => overlap(words, c.terms)));
    claim.tokens.forEach((token, i) => {
      if (token.number === undefined) return;
      const mine = neighbours(claim.tokens, i);
      if (mine.left.length + mine.right.length === 0) return;
      const fits = passage.some(
        (clause) =>
          overlap(words, clause.terms) * 2 >= top &&
          clause.tokens.some((other, j) => {
            if (other.number !== token.number) return false;
            const theirs = neighbours(clause.tokens, j);
            const meets = (x: string[], y: string[]) => (x[0] !== undefined && y.includes(x[0])) || (y[0] !== undefined && x.includes(y[0]));
            // Two quantities of one unit in a sentence ("512 tokens … by 64 tokens"): the unit does not tell which
            // is meant, what precedes each one does.
            const unitShared = clause.tokens.some(
              (t, k) => k !== j && t.number !== undefined && t.number !== token.number && neighbours(clause.tokens, k).right[0] === theirs.right[0],
            );
            if (unitShared && mine.left.length > 0) return mine.left.some((w) => theirs.left.includes(w));
            return meets(mine.left, theirs.left) || meets(mine.right, theirs.right);
          }),
      );
      if (!fits) problems.push(`number ${token.number} belongs to another fact in the cited passage`);
    });
  }
  return problems;
}
