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
