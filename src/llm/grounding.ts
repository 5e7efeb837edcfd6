import type { AnswerSentence } from './answer-types.js';
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

const QUOTED = /"([^"]{3,})"|“([^”]{3,})”|「([^」]{2,})」|'([^']{6,})'/gu;
/** Names: capitalised words after the first, CamelCase, snake_case, ALL_CAPS, words with digits, dotted or dashed identifiers. */
const NAME =
  /(?<![A-Za-z0-9_])([A-Z][a-z]+[A-Z][\w]*|[A-Za-z]+_[\w]+|[A-Z]{2,}[\w]*|[A-Za-z]+\d[\w.-]*|[a-z]+[.-][a-z][\w.-]*|[A-Z][a-z]{2,})(?![A-Za-z0-9_])/gu;
const NEGATION = /\b(not|never|no|none|cannot|can't|won't|doesn't|don't|isn't|aren't|without)\b|않|없|못|아니/giu;
/** Opposites a sentence may swap against its passage (allow ↔ refuse, all ↔ only, …), English and Korean. */
const OPPOSITES: [RegExp, RegExp][] = [
  [
    /\b(allows?|allowed|permits?|permitted|accepts?|accepted)\b(?!-)|허용/iu,
    /\b(refuses?|refused|denies|deny|denied|blocks?|forbids?|rejects?)\b|거부|차단|금지/iu,
  ],
  [/\b(all|every|everything)\b|모든|매번/iu, /\bonly\b|[가-힣]만(?=\s|$)/u],
  [/\b(enabled?|on)\b|켜/iu, /\b(disabled?|off)\b|꺼/iu],
  [/\b(includes?|included)\b|포함/iu, /\b(excludes?|excluded)\b|제외/iu],
  [/\b(required|mandatory)\b|필수/iu, /\b(optional)\b|선택/iu],
  [/\b(increases?|more|higher)\b|증가/iu, /\b(decreases?|less|fewer|lower)\b|감소/iu],
];
const negations = (text: string) => text.match(NEGATION)?.length ?? 0;

const normalise = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Checks that every fact sentence cites, and that its cited passages support it: quoted spans present verbatim,
 * every number and name present, most content words present, and no negation flipped against the passage
 * sentence it matches best. Deterministic and model-free, so it can judge any tier's answer.
 */
export function checkGrounding(sentences: AnswerSentence[], passages: GroundingPassage[], options: GroundingOptions = {}): GroundingReport {
  const byId = new Map(passages.map((p) => [p.id, p]));
  const minOverlap = options.minOverlap ?? 0.5;
  const verdicts = sentences.map((sentence, index): SentenceVerdict => {
    const text = sentence.text.trim();
    const problems: string[] = [];
    const quotes = [...text.matchAll(QUOTED)].map((m) => (m[1] ?? m[2] ?? m[3] ?? m[4])!);
    const numbers = numbersIn(text);
    const names = namesIn(text);
    const terms = [...new Set(contentTerms(text))];
    const factual = quotes.length > 0 || numbers.length > 0 || names.length > 0 || terms.length >= 4;
    const unknown = sentence.citations.filter((id) => !byId.has(id));
    for (const id of unknown) problems.push(`cites ${id}, which is not among the retrieved passages`);
    const cited = sentence.citations.map((id) => byId.get(id)).filter((p): p is GroundingPassage => p !== undefined);
    if (cited.length === 0) {
      if (factual && unknown.length === 0) problems.push('states a fact without a citation');
      return { index, text, citations: sentence.citations, factual, supported: problems.length === 0, problems };
    }
    const source = cited.map((p) => p.text).join('\n');
    const flat = normalise(source);
    for (const quote of quotes) if (!flat.includes(normalise(quote))) problems.push(`quoted span not in the cited passage: "${quote}"`);
    const sourceNumbers = new Set(numbersIn(source));
    for (const n of numbers) if (!sourceNumbers.has(n)) problems.push(`number ${n} not in the cited passage`);
    const sourceTerms = new Set(contentTerms(source));
    const refs = normalise(cited.map((p) => p.ref ?? '').join(' '));
    for (const name of names) {
      const lower = name.toLowerCase();
      // A hyphenated word (re-queued) is a name by shape only: its stem in the passage (re-queue) is enough.
      if (!flat.includes(lower) && !refs.includes(lower) && !sourceTerms.has(stem(lower))) problems.push(`name ${name} not in the cited passage`);
    }
    if (terms.length > 0) {
      const overlap = terms.filter((t) => sourceTerms.has(t)).length / terms.length;
      if (overlap < minOverlap) problems.push(`only ${Math.round(overlap * 100)} % of its words are in the cited passage`);
    }
    const best = bestMatchingSentence(text, source);
    if (best && negations(text) !== negations(best)) problems.push(`negation differs from the cited passage: "${best}"`);
    if (best) {
      for (const [a, b] of OPPOSITES) {
        // Only a clean swap: a sentence that names both sides ("refused unless allowed") rephrases, it does not flip.
        const swapped = (a.test(text) && !b.test(text) && b.test(best) && !a.test(best)) || (b.test(text) && !a.test(text) && a.test(best) && !b.test(best));
        if (swapped) problems.push(`says the opposite of the cited passage: "${best}"`);
      }
    }
    return { index, text, citations: sentence.citations, factual, supported: problems.length === 0, problems };
  });
  const unsupported = verdicts.filter((v) => !v.supported);
  return { grounded: unsupported.length === 0, sentences: verdicts, unsupported };
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

function bestMatchingSentence(text: string, source: string): string | undefined {
  const wanted = new Set(contentTerms(text));
  let best: string | undefined;
  let bestHits = 0;
  for (const candidate of splitSentences(source)) {
    const hits = contentTerms(candidate).filter((t) => wanted.has(t)).length;
    if (hits > bestHits) {
      best = candidate;
      bestHits = hits;
    }
  }
  return best;
}
