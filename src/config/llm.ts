/**
 * Model tiers, their prices and the router's weights: the defaults here, overridable from the environment
 * (src/config/schema.ts). Kept in one object so docs/llm.md, the router and the benchmark read the same numbers.
 */
export const TIERS = ['nano', 'mini', 'full'] as const;
export type Tier = (typeof TIERS)[number];

/** USD per million tokens. Defaults: OpenAI's list prices for gpt-5-nano / gpt-5-mini / gpt-5 (2025-08). */
export interface TierPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}
export const DEFAULT_PRICES: Readonly<Record<Tier, TierPrice>> = {
  nano: { inputPerMTok: 0.05, outputPerMTok: 0.4 },
  mini: { inputPerMTok: 0.25, outputPerMTok: 2 },
  full: { inputPerMTok: 1.25, outputPerMTok: 10 },
};

export const TASK_TYPES = [
  'classify',
  'extract',
  'format',
  'summarize',
  'answer',
  'code',
  'review',
  'decompose',
  'plan',
  'design',
  'policy',
  'architecture',
] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/**
 * The router's scoring model (src/llm/router.ts). A request gets a complexity score:
 *   score = taskBase[type] + Σ feature weight × feature value (each feature in [0, 1])
 * and goes to `nano` below `thresholds.mini`, to `full` at or above `thresholds.full`, else to `mini`.
 * High risk and the policy floors (design/policy/architecture) force `full`; a budget caps the tier.
 */
export interface RouterConfig {
  /** Where each task type starts on the 0…1 complexity scale (the plan's policy as numbers). */
  taskBase: Record<TaskType, number>;
  weights: {
    /** log-scaled input + context size; 1 at `longContextTokens`. */
    length: number;
    /** medium risk = 0.5, high = 1 (high also forces full). */
    risk: number;
    /** required accuracy: low 0, normal 0.5, high 1, centred so normal adds nothing. */
    accuracy: number;
    /** uncertainty of a cheap first pass (1 − confidence, sample disagreement, low logprobs). */
    uncertainty: number;
    /** multi-step wording: several questions, "and then", enumerations, trade-offs, comparisons. */
    steps: number;
    /** reasoning cues (why, prove, root cause, concurrency, idempotency, zero downtime); 1 at four cues. */
    reasoning: number;
    /** marks of a small job (one line, one sentence, a regex, a typo): subtracted. */
    simple: number;
  };
  thresholds: { mini: number; full: number };
  /** Context size at which the length feature saturates. */
  longContextTokens: number;
  /** Task types that never go below this tier, whatever the score. */
  floors: Partial<Record<TaskType, Tier>>;
}

export const DEFAULT_ROUTER: RouterConfig = {
  taskBase: {
    classify: 0.05,
    extract: 0.15,
    format: 0.1,
    summarize: 0.12,
    answer: 0.2,
    code: 0.45,
    review: 0.45,
    decompose: 0.45,
    plan: 0.45,
    design: 0.85,
    policy: 0.85,
    architecture: 0.9,
  },
  weights: { length: 0.2, risk: 0.25, accuracy: 0.15, uncertainty: 0.3, steps: 0.2, reasoning: 0.6, simple: 0.3 },
  thresholds: { mini: 0.26, full: 0.75 },
  longContextTokens: 32_000,
  floors: { design: 'full', policy: 'full', architecture: 'full' },
};

/** Applies a partial JSON override (COGO_ROUTER_CONFIG) over the defaults, one level deep per section. */
export function mergeRouterConfig(override: Partial<RouterConfig> | undefined): RouterConfig {
  if (!override) return DEFAULT_ROUTER;
  return {
    taskBase: { ...DEFAULT_ROUTER.taskBase, ...override.taskBase },
    weights: { ...DEFAULT_ROUTER.weights, ...override.weights },
    thresholds: { ...DEFAULT_ROUTER.thresholds, ...override.thresholds },
    longContextTokens: override.longContextTokens ?? DEFAULT_ROUTER.longContextTokens,
    floors: { ...DEFAULT_ROUTER.floors, ...override.floors },
  };
}
