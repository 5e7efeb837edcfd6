import type { Answer, AnswerSentence, Passage } from './answer-types.js';
import { renderAnswer } from './answer-types.js';
import { contentTerms, splitSentences } from './text-features.js';

export const EXTRACTIVE_NOTICE =
  'extractive answer: no model is configured (OPENAI_API_KEY unset), so these are sentences quoted from the retrieved passages, not a generated answer';

/**
 * The answerer when no model key is configured: the passages' sentences that share the most terms with the
 * question, quoted verbatim with their passage id, in passage order. It never writes a word of its own.
 */
export function extractiveAnswer(question: string, passages: Passage[], options: { maxSentences?: number } = {}): Answer {
  const wanted = new Set(contentTerms(question));
  const scored: { sentence: string; passage: Passage; score: number; order: number }[] = [];
  let order = 0;
  for (const passage of passages) {
    for (const sentence of splitSentences(passage.text)) {
      const terms = new Set(contentTerms(sentence));
      let hits = 0;
      for (const term of terms) if (wanted.has(term)) hits += 1;
      // Favour sentences that cover the question, not long ones that mention everything.
      if (hits > 0) scored.push({ sentence, passage, score: hits / Math.sqrt(Math.max(4, terms.size)), order: order++ });
    }
  }
  const best = scored
    .sort((a, b) => b.score - a.score)
    .slice(0, options.maxSentences ?? 3)
    .sort((a, b) => a.order - b.order);
  const sentences: AnswerSentence[] = best.map((s) => ({ text: `"${s.sentence}"`, citations: [s.passage.id] }));
  const text = sentences.length ? renderAnswer(sentences) : 'No retrieved passage answers this question.';
  return { provider: 'extractive', notice: EXTRACTIVE_NOTICE, sentences, text };
}
