import { z } from 'zod';
import type { Tier } from '../config/llm.js';
import { AppError } from '../errors.js';
import { parseCitedText, renderAnswer, type Answer, type AnswerSentence, type Passage } from './answer-types.js';
import type { ChatMessage, LlmClient } from './client.js';
import { answerAttempts, runWithEscalation, type Attempt } from './escalation.js';
import { extractiveAnswer } from './extractive.js';
import { checkGrounding, type GroundingReport } from './grounding.js';
import { judgeGrounding, type JudgeSummary } from './grounding-judge.js';
import type { RouteDecision, RouteRequest, Router } from './router.js';
import { splitSentences } from './text-features.js';
import { estimateTokens } from './tokens.js';

export interface AskInput {
  question: string;
  passages: Passage[];
  taskType?: string;
  risk?: string;
  budgetUsd?: number;
  /**
   * Streams the answer text as it arrives (text mode with `[id]` markers); absent = one JSON-schema reply. Each
   * attempt streams anew, so a caller shows the deltas of the latest `attempt` and takes the final answer from the result.
   */
  onDelta?: (text: string, from: { attempt: number; tier: Tier }) => void;
  /** Hears the route decision before any model is called (the `meta` event of a streamed answer). */
  onRoute?: (decision: RouteDecision) => Promise<void> | void;
  signal?: AbortSignal;
  /** Attempts an earlier run finished before it died (what `onEscalate` reported): not called again. */
  resume?: AskProgress;
  /** Hears the attempts so far each time the answer escalates: the state to checkpoint before the next call. */
  onEscalate?: (progress: AskProgress) => Promise<void>;
  /** The `attempt` number of this run's first streamed attempt (a resumed run starts past every earlier one). */
  firstAttempt?: number;
}

/** The finished attempts of an answer still escalating, and the sentences the last of them returned. */
export interface AskProgress {
  attempts: Attempt[];
  sentences: AnswerSentence[] | undefined;
}

export interface AskResult {
  answer: Answer;
  route: RouteDecision;
  attempts: Attempt[];
  tiersUsed: Tier[];
  costUsd: number;
  grounding: GroundingReport;
  /** What the grounding judge did to the kept answer's report; undefined when none ran (none configured, nothing to judge). */
  judge: JudgeSummary | undefined;
  /** Sentences removed from the answer because the checker found them unsupported after the last escalation. */
  dropped: { text: string; problems: string[] }[];
}

export interface Answerer {
  ask(input: AskInput): Promise<AskResult>;
}

const answerSchema = z.object({ sentences: z.array(z.object({ text: z.string(), citations: z.array(z.string()) })) });

const SYSTEM = [
  'Answer the question only from the numbered passages. Never use outside knowledge.',
  'Every sentence that states a fact cites the passage ids it rests on. Quote exactly when you quote.',
  'If the passages do not answer the question, say so in one sentence without citations.',
].join(' ');

function messages(input: AskInput, streaming: boolean): ChatMessage[] {
  const passages = input.passages.map((p) => `[${p.id}] (${p.ref}) ${p.text}`).join('\n\n');
  const format = streaming
    ? 'Write plain sentences; put the ids each sentence rests on in square brackets at its end, like [chunk-1].'
    : 'Reply with JSON {"sentences":[{"text": "...", "citations": ["id", ...]}]}.';
  return [
    { role: 'system', content: `${SYSTEM} ${format}` },
    { role: 'user', content: `Passages:\n${passages}\n\nQuestion: ${input.question}` },
  ];
}

/**
 * Answers a question from retrieved passages (issue 10): route, call the tier, check grounding, escalate one tier
 * up on a schema failure, an ungrounded answer or an error; unsupported sentences left after the last attempt are
 * dropped and reported. Without a model key for the routed tier, the extractive answerer quotes the passages.
 */
export function createAnswerer(options: {
  client: LlmClient;
  router: Router;
  maxEscalations: number;
  escalationBackoffMs?: number;
  /** A model tier that judges the sentences the surface rules pass (src/llm/grounding-judge.ts); absent = rules only. */
  judge?: { tier: Tier; paraphrases: boolean };
}): Answerer {
  return {
    async ask(input) {
      if (!input.question.trim()) throw new AppError('BAD_INPUT', 'question must not be empty', { via: 'ask' });
      const contextTokens = input.passages.reduce((sum, p) => sum + estimateTokens(p.text), 0);
      const routeRequest: RouteRequest = { request: input.question, contextTokens, taskType: input.taskType, risk: input.risk, budgetUsd: input.budgetUsd };
      const route = options.router.route(routeRequest);
      await input.onRoute?.(route);
      if (!options.client.available(route.tier)) {
        const answer = extractiveAnswer(input.question, input.passages);
        input.onDelta?.(answer.text, { attempt: 0, tier: route.tier });
        const grounding = checkGrounding(answer.sentences, input.passages);
        return { answer, route, attempts: [], tiersUsed: [], costUsd: 0, grounding, judge: undefined, dropped: [] };
      }
      const streaming = Boolean(input.onDelta);
      let attempt = (input.firstAttempt ?? 0) - 1;
      // The rules, then the judge over what they pass; each answer's outcome is kept so it is judged (and paid for) once.
      const judged = new WeakMap<AnswerSentence[], { report: GroundingReport; judge: JudgeSummary | undefined }>();
      const ground = async (sentences: AnswerSentence[]) => {
        const rules = checkGrounding(sentences, input.passages);
        if (!options.judge) return { report: rules, judge: undefined, calls: [] };
        const outcome = await judgeGrounding(rules, input.passages, {
          client: options.client,
          ...options.judge,
          ...(input.signal ? { signal: input.signal } : {}),
        });
        judged.set(sentences, outcome);
        return { ...outcome, calls: outcome.call ? [outcome.call] : [] };
      };
      const chain = await runWithEscalation<AnswerSentence[]>({
        start: route.tier,
        maxEscalations: options.maxEscalations,
        model: (tier) => options.client.model(tier),
        backoffMs: options.escalationBackoffMs ?? 250,
        ...(input.signal ? { signal: input.signal } : {}),
        ...(input.resume ? { resume: { attempts: input.resume.attempts, value: input.resume.sentences } } : {}),
        ...(input.onEscalate ? { onEscalate: (state) => input.onEscalate!({ attempts: state.attempts, sentences: state.value }) } : {}),
        call: async (tier) => {
          const request = { messages: messages(input, streaming), ...(input.signal ? { signal: input.signal } : {}) };
          attempt += 1;
          if (streaming) {
            const from = { attempt, tier };
            const result = await options.client.chat(tier, { ...request, onDelta: (text) => input.onDelta!(text, from) });
            const sentences = parseCitedText(result.text, splitSentences);
            return { value: sentences, result };
          }
          const result = await options.client.chat(tier, { ...request, structured: { name: 'cited_answer', schema: answerSchema } });
          return { value: result.json!.sentences, result };
        },
        verify: async (sentences) => {
          if (sentences.length === 0) return { problem: { failure: 'schema', detail: 'the reply holds no sentence' } };
          const { report, calls } = await ground(sentences);
          if (report.grounded) return { calls };
          return { problem: { failure: 'ungrounded', detail: report.unsupported.map((v) => `"${v.text}": ${v.problems.join('; ')}`).join(' | ') }, calls };
        },
      });
      const all = chain.value ?? [];
      // A value that came from a resumed run's checkpoint was judged by that run: the rules alone check it here.
      const { report: grounding, judge } = judged.get(all) ?? { report: checkGrounding(all, input.passages), judge: undefined };
      const kept = all.filter((_, i) => grounding.sentences[i]?.supported);
      const dropped = grounding.unsupported.map((v) => ({ text: v.text, problems: v.problems }));
      const answer: Answer = { provider: 'model', notice: undefined, sentences: kept, text: renderAnswer(kept) };
      const tiersUsed = answerAttempts(chain.attempts).map((a) => a.tier);
      return { answer, route, attempts: chain.attempts, tiersUsed, costUsd: chain.costUsd, grounding, judge, dropped };
    },
  };
}
