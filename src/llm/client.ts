import OpenAI from 'openai';
import { z } from 'zod';
import type { Tier, TierPrice } from '../config/llm.js';
import { AppError } from '../errors.js';
import { withSpan } from '../observability/tracing.js';
import { withRetry } from '../policies/retry.js';
import { costOf, type TokenUsage } from './cost.js';
import { errorFromOpenAi, schemaFailure } from './errors.js';
import { estimateTokens } from './tokens.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest<T = unknown> {
  messages: ChatMessage[];
  /** Structured output: sent as `response_format: json_schema` (strict) and checked on the way back. */
  structured?: { name: string; schema: z.ZodType<T> };
  /** Streams the reply: called with each text delta, in order. */
  onDelta?: (text: string) => void;
  maxOutputTokens?: number;
  signal?: AbortSignal;
}

export interface ChatResult<T = unknown> {
  tier: Tier;
  model: string;
  text: string;
  /** The parsed reply when `structured` was asked for. */
  json: T | undefined;
  usage: TokenUsage;
  costUsd: number;
  latencyMs: number;
  /** Same-tier retries this call needed (429, 5xx, timeouts). */
  retries: number;
}

export interface TierEndpoint {
  baseUrl: string | undefined;
  apiKey: string | undefined;
  model: string;
}

export interface LlmClientOptions {
  tiers: Readonly<Record<Tier, TierEndpoint>>;
  prices: Readonly<Record<Tier, TierPrice>>;
  timeoutMs: number;
  maxRetries: number;
  /** First backoff step; doubles per retry with full jitter (ingest/sources/policies/retry.ts). */
  baseDelayMs?: number;
  /** Longest single wait, also the cap on Retry-After (a longer one ends the retries). */
  maxDelayMs?: number;
}

export interface LlmClient {
  /** A tier can be called when it has a key (a local server may ignore it, but configuring one is the opt-in). */
  available(tier: Tier): boolean;
  model(tier: Tier): string;
  chat<T>(tier: Tier, request: ChatRequest<T>): Promise<ChatResult<T>>;
}

const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** One client for every tier over the `openai` package; retries are ours so Retry-After and backoff are shared. */
export function createLlmClient(options: LlmClientOptions): LlmClient {
  const client = createUntracedClient(options);
  return {
    ...client,
    chat: (tier, request) =>
      withSpan('llm.chat', { 'gen_ai.request.model': options.tiers[tier].model, 'cogo.llm.tier': tier }, async (span) => {
        const result = await client.chat(tier, request);
        span.setAttributes({
          'gen_ai.usage.input_tokens': result.usage.inputTokens,
          'gen_ai.usage.output_tokens': result.usage.outputTokens,
          'cogo.llm.cost_usd': result.costUsd,
          'cogo.llm.retries': result.retries,
        });
        return result;
      }),
  };
}

function createUntracedClient(options: LlmClientOptions): LlmClient {
  const clients = new Map<Tier, OpenAI>();
  const clientFor = (tier: Tier): OpenAI => {
    let client = clients.get(tier);
    if (!client) {
      const endpoint = options.tiers[tier];
      if (!endpoint.apiKey) throw new AppError('UPSTREAM_UNAVAILABLE', `no API key configured for the ${tier} tier`, { via: `llm:${tier}`, retryable: false });
      // maxRetries 0: the openai package's own retries would hide 429s from our Retry-After handling and counts.
      client = new OpenAI({ apiKey: endpoint.apiKey, baseURL: endpoint.baseUrl ?? DEFAULT_BASE_URL, maxRetries: 0, timeout: options.timeoutMs });
      clients.set(tier, client);
    }
    return client;
  };

  return {
    available: (tier) => Boolean(options.tiers[tier].apiKey),
    model: (tier) => options.tiers[tier].model,
    async chat<T>(tier: Tier, request: ChatRequest<T>): Promise<ChatResult<T>> {
      const client = clientFor(tier);
      const { model } = options.tiers[tier];
      const via = `llm:${tier}`;
      const url = options.tiers[tier].baseUrl ?? DEFAULT_BASE_URL;
      const started = performance.now();
      let retries = 0;
      const reply = await withRetry(
        async () => {
          const timeout = AbortSignal.timeout(options.timeoutMs);
          const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
          const emitted = { any: false };
          try {
            return await callOnce(client, model, request, signal, emitted);
          } catch (error) {
            const mapped = errorFromOpenAi(error, { via, url, timedOut: timeout.aborted });
            // Deltas already reached the caller: a same-tier retry would repeat them, so let escalation decide.
            if (emitted.any && mapped.retryable) {
              throw new AppError(mapped.code, mapped.message, { via, retryable: false, details: { ...mapped.details, midStream: true }, cause: error });
            }
            throw mapped;
          }
        },
        {
          maxAttempts: options.maxRetries + 1,
          baseDelayMs: options.baseDelayMs ?? 500,
          maxDelayMs: options.maxDelayMs ?? 30_000,
          ...(request.signal ? { signal: request.signal } : {}),
          onRetry: () => {
            retries += 1;
          },
        },
      );
      const usage: TokenUsage = reply.usage ?? {
        inputTokens: estimateTokens(request.messages.map((m) => m.content).join('\n')),
        outputTokens: estimateTokens(reply.text),
        estimated: true,
      };
      const costUsd = costOf(options.prices, tier, usage);
      let json: T | undefined;
      try {
        json = request.structured ? parseStructured(request.structured, reply.text, via) : undefined;
      } catch (error) {
        // The reply was paid for although it is unusable: the cost travels with the error into the attempt record.
        const failure = error as AppError;
        throw new AppError(failure.code, failure.message, { via, retryable: false, details: { ...failure.details, costUsd, usage } });
      }
      return { tier, model, text: reply.text, json, usage, costUsd, latencyMs: performance.now() - started, retries };
    },
  };
}

async function callOnce(
  client: OpenAI,
  model: string,
  request: ChatRequest<unknown>,
  signal: AbortSignal,
  emitted: { any: boolean },
): Promise<{ text: string; usage: TokenUsage | undefined }> {
  const body = {
    model,
    messages: request.messages,
    ...(request.maxOutputTokens ? { max_completion_tokens: request.maxOutputTokens } : {}),
    ...(request.structured
      ? {
          response_format: {
            type: 'json_schema' as const,
            json_schema: { name: request.structured.name, strict: true, schema: z.toJSONSchema(request.structured.schema) as Record<string, unknown> },
          },
        }
      : {}),
  };
  if (!request.onDelta) {
    const completion = await client.chat.completions.create({ ...body, stream: false }, { signal });
    const usage = completion.usage
      ? { inputTokens: completion.usage.prompt_tokens, outputTokens: completion.usage.completion_tokens, estimated: false }
      : undefined;
    return { text: completion.choices[0]?.message?.content ?? '', usage };
  }
  const stream = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }, { signal });
  let text = '';
  let usage: TokenUsage | undefined;
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta?.content;
    if (delta) {
      text += delta;
      emitted.any = true;
      request.onDelta(delta);
    }
    if (chunk.usage) usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens, estimated: false };
  }
  // The openai stream ends quietly when its signal aborts: a stalled stream cut by the timeout is not an answer.
  if (signal.aborted) throw signal.reason;
  return { text, usage };
}

function parseStructured<T>(structured: { schema: z.ZodType<T> }, text: string, via: string): T {
  let value: unknown;
  try {
    value = JSON.parse(stripFence(text));
  } catch {
    throw schemaFailure(via, 'not JSON', text);
  }
  const parsed = structured.schema.safeParse(value);
  if (!parsed.success) throw schemaFailure(via, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '), text);
  return parsed.data;
}

/** Some compatible servers wrap JSON in a ``` fence even in json_schema mode. */
function stripFence(text: string): string {
  const match = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text);
  return match ? match[1]! : text;
}
