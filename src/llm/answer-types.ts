/** A retrieved passage an answer may cite: a chunk (`path:lines`) or a research evidence quote (URL). */
export interface Passage {
  /** The chunk or evidence id that answers cite as `[id]`. */
  id: string;
  text: string;
  /** Where a reader finds it: `path:start-end` or a URL. */
  ref: string;
}

export interface AnswerSentence {
  text: string;
  /** Passage ids this sentence rests on; empty for connective sentences that state no fact. */
  citations: string[];
}

export interface Answer {
  /** `extractive` = no model was called: quoted sentences only. */
  provider: 'extractive' | 'model';
  /** Said in every extractive answer, so nothing pretends to be a model. */
  notice: string | undefined;
  sentences: AnswerSentence[];
  /** The sentences as one text with `[id]` markers. */
  text: string;
}

export function renderAnswer(sentences: AnswerSentence[]): string {
  return sentences.map((s) => (s.citations.length ? `${s.text} ${s.citations.map((c) => `[${c}]`).join('')}` : s.text)).join(' ');
}

const MARKER = /\[([A-Za-z0-9][\w:.#/-]*)\]/g;

/** Reads a streamed text answer: sentences with `[id]` markers become sentences with citations. */
export function parseCitedText(text: string, split: (text: string) => string[]): AnswerSentence[] {
  const out: AnswerSentence[] = [];
  for (const raw of split(text)) {
    const citations = [...raw.matchAll(MARKER)].map((m) => m[1]!);
    const plain = raw
      .replace(MARKER, '')
      .replace(/\s+([.,;:!?])/g, '$1')
      .replace(/\s{2,}/g, ' ')
      .trim();
    const previous = out.at(-1);
    // "… by default. [c1]" puts the marker after the full stop: it belongs to the sentence before.
    if (!plain.replace(/[.,;:!?]/g, '') && previous) previous.citations = [...new Set([...previous.citations, ...citations])];
    else if (plain) out.push({ text: plain, citations: [...new Set(citations)] });
  }
  return out;
}
