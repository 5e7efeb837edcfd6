import { TASK_TYPES, TIERS, type RouterConfig, type TaskType, type Tier, type TierPrice } from '../config/llm.js';
import { AppError } from '../errors.js';
import { costOf } from './cost.js';
import { HIGH_ACCURACY, HIGH_RISK_ACTIONS, HIGH_RISK_TOPICS, MEDIUM_RISK, MULTI_STEP, REASONING, SIMPLE, TASK_PATTERNS } from './task-patterns.js';
import { estimateTokens } from './tokens.js';

export type Risk = 'low' | 'medium' | 'high';
export type Accuracy = 'low' | 'normal' | 'high';

export interface RouteRequest {
  request: string;
  /** One of the twelve types; inferred from the wording when absent. */
  taskType?: string | undefined;
  /** Tokens of retrieved context the call will carry besides the request. */
  contextTokens?: number | undefined;
  /** Inferred from the wording when absent (external writes, execution, security, money = high). */
  risk?: string | undefined;
  accuracy?: string | undefined;
  /** A cheap first pass, where one ran: its self-rated confidence, sample agreement, mean token logprob. */
  firstPass?: { confidence?: number; agreement?: number; meanLogprob?: number } | undefined;
  /** Most the caller will pay for this call (USD); the tier steps down until the estimate fits. */
  budgetUsd?: number | undefined;
}

export interface RouteDecision {
  tier: Tier;
  taskType: TaskType;
  /** False when the caller named the task type. */
  inferred: boolean;
  /** Every feature and the complexity score they add up to, for the dry-run and the logs. */
  scores: Record<string, number>;
  /** Why, in words: each rule that moved the decision. */
  reasons: string[];
  estimatedCostUsd: number;
}

export interface Router {
  route(request: RouteRequest): RouteDecision;
}

/** Output tokens a task of each type usually needs, for the budget and cost estimates. */
export const EXPECTED_OUTPUT: Record<TaskType, number> = {
  classify: 20,
  extract: 200,
  format: 400,
  summarize: 400,
  answer: 300,
  code: 800,
  review: 700,
  decompose: 500,
  plan: 800,
  design: 1500,
  policy: 1200,
  architecture: 1500,
};

const rank = (tier: Tier) => TIERS.indexOf(tier);
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const global = (patterns: RegExp[]) => patterns.map((p) => new RegExp(p.source, p.flags.includes('g') ? p.flags : `${p.flags}g`));
const COMPILED = Object.fromEntries(TASK_TYPES.map((t) => [t, global(TASK_PATTERNS[t])])) as Record<TaskType, RegExp[]>;
const STEPS = global(MULTI_STEP);
const REASONS = global(REASONING);
const SIMPLES = global(SIMPLE);
const HANGUL = /\p{Script=Hangul}/u;

function countMatches(patterns: RegExp[], text: string): number {
  let n = 0;
  for (const pattern of patterns) {
    pattern.lastIndex = 0;
    n += text.match(pattern)?.length ?? 0;
  }
  return n;
}

/**
 * Scores each type by its patterns; a match where the instruction sits (an English request's first 48
 * characters, a Korean one's last 24) counts double. Ties go to the earlier type in TASK_TYPES: cheaper first.
 */
export function inferTaskType(text: string): { taskType: TaskType; confidence: number } {
  const korean = HANGUL.test(text);
  const scores = new Map<TaskType, number>();
  let total = 0;
  for (const type of TASK_TYPES) {
    let score = 0;
    for (const pattern of COMPILED[type]) {
      pattern.lastIndex = 0;
      for (const match of text.matchAll(pattern)) {
        const at = match.index;
        const imperative = korean ? at + match[0].length >= text.length - 24 : at < 48;
        score += imperative ? 2 : 1;
      }
    }
    scores.set(type, score);
    total += score;
  }
  let best: TaskType = 'answer';
  let bestScore = 0;
  for (const [type, score] of scores) {
    if (score > bestScore) {
      best = type;
      bestScore = score;
    }
  }
  return { taskType: best, confidence: total === 0 ? 0 : bestScore / total };
}

/** Tasks that only read and report: a sensitive subject alone does not make them risky. */
const READ_ONLY: ReadonlySet<TaskType> = new Set(['classify', 'extract', 'format', 'summarize', 'answer']);

export function inferRisk(text: string, taskType: TaskType): Risk {
  if (HIGH_RISK_ACTIONS.some((p) => p.test(text))) return 'high';
  if (HIGH_RISK_TOPICS.some((p) => p.test(text))) return READ_ONLY.has(taskType) ? 'medium' : 'high';
  if (MEDIUM_RISK.some((p) => p.test(text))) return 'medium';
  return 'low';
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], name: string): T | undefined {
  if (value === undefined || value === null) return undefined;
  const normal = value.trim().toLowerCase();
  if ((allowed as readonly string[]).includes(normal)) return normal as T;
  throw new AppError('BAD_INPUT', `${name} must be one of ${allowed.join(', ')} (got "${value}")`, { via: 'router' });
}

/**
 * The router (issue 10 item 2): a complexity score from the task type and features, thresholds to a tier,
 * then the plan's floors (design/policy/architecture and high risk → full) and the caller's budget as a cap.
 * Pure and synchronous: it runs before every model call, so it must stay well under 2 ms.
 */
export function createRouter(config: RouterConfig, prices: Readonly<Record<Tier, TierPrice>>): Router {
  return {
    route(input) {
      const text = input.request?.trim() ?? '';
      if (!text) throw new AppError('BAD_INPUT', 'request must not be empty', { via: 'router' });
      const given = oneOf(input.taskType, TASK_TYPES, 'taskType');
      const contextTokens = input.contextTokens ?? 0;
      if (!Number.isInteger(contextTokens) || contextTokens < 0) throw new AppError('BAD_INPUT', 'contextTokens must be a whole number ≥ 0', { via: 'router' });
      if (input.budgetUsd !== undefined && !(input.budgetUsd >= 0)) throw new AppError('BAD_INPUT', 'budgetUsd must be ≥ 0', { via: 'router' });
      const inferred = given ? undefined : inferTaskType(text);
      const taskType = given ?? inferred!.taskType;
      const risk = oneOf(input.risk, ['low', 'medium', 'high'] as const, 'risk') ?? inferRisk(text, taskType);
      const accuracy = oneOf(input.accuracy, ['low', 'normal', 'high'] as const, 'accuracy') ?? (HIGH_ACCURACY.some((p) => p.test(text)) ? 'high' : 'normal');
      const reasons: string[] = [];

      const inputTokens = estimateTokens(text) + contextTokens;
      const w = config.weights;
      const f = {
        length: clamp01(Math.log1p(inputTokens / 200) / Math.log1p(config.longContextTokens / 200)),
        risk: risk === 'high' ? 1 : risk === 'medium' ? 0.5 : 0,
        // Centred: normal adds nothing, high adds the weight, low takes it away.
        accuracy: accuracy === 'high' ? 1 : accuracy === 'low' ? -1 : 0,
        uncertainty: uncertaintyOf(input.firstPass),
        steps: clamp01(countMatches(STEPS, text) / 2),
        reasoning: clamp01(countMatches(REASONS, text) / 4),
        simple: clamp01(countMatches(SIMPLES, text)),
      };
      const base = config.taskBase[taskType];
      const complexity =
        base +
        w.length * f.length +
        w.risk * f.risk +
        w.accuracy * f.accuracy +
        w.uncertainty * f.uncertainty +
        w.steps * f.steps +
        w.reasoning * f.reasoning -
        w.simple * f.simple;

      let tier: Tier = complexity >= config.thresholds.full ? 'full' : complexity >= config.thresholds.mini ? 'mini' : 'nano';
      reasons.push(`${taskType} (${given ? 'given' : `inferred, confidence ${inferred!.confidence.toFixed(2)}`}) scores ${complexity.toFixed(3)} → ${tier}`);
      const floor = config.floors[taskType];
      if (floor && rank(floor) > rank(tier)) {
        tier = floor;
        reasons.push(`${taskType} tasks go to ${floor} at least`);
      }
      if (risk === 'high' && tier !== 'full') {
        tier = 'full';
        reasons.push('high risk (external writes, execution, security or money) goes to full');
      }
      const estimate = (t: Tier) => costOf(prices, t, { inputTokens, outputTokens: EXPECTED_OUTPUT[taskType] });
      if (input.budgetUsd !== undefined) {
        while (rank(tier) > 0 && estimate(tier) > input.budgetUsd) {
          const lower = TIERS[rank(tier) - 1]!;
          reasons.push(`budget $${input.budgetUsd} is below ${tier}'s estimate $${estimate(tier).toFixed(5)}: ${lower}`);
          tier = lower;
        }
      }
      if (f.length > 0.5) reasons.push(`long input: about ${inputTokens} tokens`);
      if (f.uncertainty > 0.3) reasons.push(`uncertain first pass (${f.uncertainty.toFixed(2)})`);
      return {
        tier,
        taskType,
        inferred: !given,
        scores: { complexity, taskBase: base, ...f, taskConfidence: inferred?.confidence ?? 1, inputTokens },
        reasons,
        estimatedCostUsd: estimate(tier),
      };
    },
  };
}

/** The most doubtful of the signals present: 1 − confidence, 1 − sample agreement, 1 − e^(mean logprob). */
function uncertaintyOf(firstPass: RouteRequest['firstPass']): number {
  if (!firstPass) return 0;
  const signals: number[] = [];
  if (firstPass.confidence !== undefined) signals.push(1 - clamp01(firstPass.confidence));
  if (firstPass.agreement !== undefined) signals.push(1 - clamp01(firstPass.agreement));
  if (firstPass.meanLogprob !== undefined) signals.push(1 - Math.exp(Math.min(0, firstPass.meanLogprob)));
  return signals.length ? Math.max(...signals) : 0;
}
