import { z } from 'zod';
import type { Tier } from '../config/llm.js';
import type { LlmClient } from './client.js';
import type { Attempt } from './escalation.js';
import { failureKindOf, paidCostOf } from './errors.js';
import { groundingReportOf, type GroundingPassage, type GroundingReport, type SentenceVerdict } from './grounding.js';

/** Which tier judges, and whether it also sees the sentences the rules failed only on wording (paraphrases). */
export interface GroundingJudgeOptions {
  client: LlmClient;
  tier: Tier;
  paraphrases: boolean;
  signal?: AbortSignal;
}

/** What the judge did to one answer's grounding report, said in `llm.done` and in the attempt it is recorded as. */
export interface JudgeSummary {
  tier: Tier;
  /** Sentences sent to the judge. */
  judged: number;
  /** Of those, how many the judge decided otherwise than the rules. */
  overruled: number;
  /** The judge call failed or its reply was unusable: the rules' verdicts stand. */
  fellBack: boolean;
  detail: string | undefined;
}

export interface JudgedReport {
  report: GroundingReport;
  /** The judge's model call, recorded like the answer's attempts; undefined when nothing needed judging. */
  call: Attempt | undefined;
  judge: JudgeSummary | undefined;
}

const verdictSchema = z.object({
  verdicts: z.array(z.object({ index: z.number().int(), supported: z.boolean(), reason: z.string() })),
});

const SYSTEM = [
  'You check citations. For each numbered item, decide whether the cited passages, read alone, state everything the',
  'sentence claims. A faithful paraphrase is supported. A sentence is not supported when it changes a number, unit,',
  'name, negation, order, scope (all/some/only/one) or who does what, or adds a claim the passages do not make.',
  'Reply with one verdict per item: {"verdicts":[{"index": n, "supported": true|false, "reason": "short why"}]}.',
].join(' ');

/**
 * The surface rules (src/llm/grounding.ts) cannot see a contradiction that keeps the passage's words, nor a
 * paraphrase that changes them. This asks a model tier, in one structured call per answer, to judge the cited
 * sentences the rules passed (and, with `paraphrases`, those they failed only on wording); its verdicts replace
 * the rules' for those sentences. A failed or unusable call leaves the rules' verdicts and says so.
 */
export async function judgeGrounding(report: GroundingReport, passages: GroundingPassage[], options: GroundingJudgeOptions): Promise<JudgedReport> {
  const candidates = report.sentences.filter((v) => v.citations.length > 0 && (v.supported || (options.paraphrases && v.paraphraseOnly)));
  if (candidates.length === 0 || !options.client.available(options.tier)) return { report, call: undefined, judge: undefined };
  const byId = new Map(passages.map((p) => [p.id, p]));
  const items = candidates
    .map((v) => {
      const cited = v.citations.map((id) => byId.get(id)).filter((p): p is GroundingPassage => p !== undefined);
      return `Item ${v.index}\nSentence: ${v.text}\nCited passages:\n${cited.map((p) => `[${p.id}] ${p.text}`).join('\n')}`;
    })
    .join('\n\n');
  const tier = options.tier;
  const started = performance.now();
  try {
    const result = await options.client.chat(tier, {
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: items },
      ],
      structured: { name: 'grounding_verdicts', schema: verdictSchema },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const verdicts = new Map(result.json!.verdicts.map((v) => [v.index, v]));
    const missing = candidates.filter((v) => !verdicts.has(v.index)).length;
    let overruled = 0;
    const sentences = report.sentences.map((v): SentenceVerdict => {
      const verdict = candidates.includes(v) ? verdicts.get(v.index) : undefined;
      if (!verdict) return v;
      if (verdict.supported !== v.supported) overruled += 1;
      const problems = verdict.supported ? [] : [`the ${tier} judge: ${verdict.reason || 'not supported by the cited passages'}`];
      return { ...v, supported: verdict.supported, problems };
    });
    const detail = missing > 0 ? `the judge gave no verdict for ${missing} of ${candidates.length} sentences: the rules decide those` : undefined;
    const judge: JudgeSummary = { tier, judged: candidates.length, overruled, fellBack: false, detail };
    const call = attemptOf(tier, result.model, true, undefined, detail, result);
    return { report: groundingReportOf(sentences), call, judge };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const detail = `grounding judge failed, the rules' verdicts stand: ${message}`;
    const call: Attempt = {
      ...attemptOf(tier, options.client.model(tier), false, failureKindOf(error), detail, undefined),
      costUsd: paidCostOf(error),
      latencyMs: performance.now() - started,
    };
    return { report, call, judge: { tier, judged: candidates.length, overruled: 0, fellBack: true, detail } };
  }
}

function attemptOf(
  tier: Tier,
  model: string,
  ok: boolean,
  failure: Attempt['failure'],
  detail: string | undefined,
  result: { usage: { inputTokens: number; outputTokens: number }; costUsd: number; latencyMs: number; retries: number } | undefined,
): Attempt {
  return {
    purpose: 'judge',
    tier,
    model,
    ok,
    failure,
    detail,
    escalatedFrom: undefined,
    tokensIn: result?.usage.inputTokens ?? 0,
    tokensOut: result?.usage.outputTokens ?? 0,
    costUsd: result?.costUsd ?? 0,
    latencyMs: result?.latencyMs ?? 0,
    retries: result?.retries ?? 0,
  };
}
