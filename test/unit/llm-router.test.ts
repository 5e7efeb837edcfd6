import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES, DEFAULT_ROUTER, mergeRouterConfig } from '../../src/config/llm.js';
import { isAppError } from '../../src/errors.js';
import { createRouter, inferTaskType } from '../../src/llm/router.js';

const router = createRouter(DEFAULT_ROUTER, DEFAULT_PRICES);

describe('router', () => {
  describe('the plan policy', () => {
    it('sends intent and classification to nano', () => {
      expect(router.route({ request: 'Classify this ticket as bug or question: "login fails"' })).toMatchObject({
        tier: 'nano',
        taskType: 'classify',
        inferred: true,
      });
      expect(router.route({ request: '이 리뷰가 긍정인지 부정인지 분류해 줘.' })).toMatchObject({ tier: 'nano', taskType: 'classify' });
    });

    it('sends decomposition and mid tasks to mini', () => {
      expect(router.route({ request: 'Break down "add SSO login" into subtasks for the team.' })).toMatchObject({ tier: 'mini', taskType: 'decompose' });
      expect(router.route({ request: '"SSO 로그인 추가"를 하위 작업으로 나눠 줘.' })).toMatchObject({ tier: 'mini', taskType: 'decompose' });
      expect(router.route({ request: 'Write a TypeScript function that debounces another function.' })).toMatchObject({ tier: 'mini', taskType: 'code' });
    });

    it('sends design, policy and architecture to full, in English and Korean', () => {
      expect(router.route({ request: 'Design the schema for storing model calls per tenant.' })).toMatchObject({ tier: 'full', taskType: 'design' });
      expect(router.route({ request: 'GDPR을 만족하는 채팅 로그 보존 정책을 작성해 줘.' })).toMatchObject({ tier: 'full', taskType: 'policy' });
      expect(router.route({ request: '모놀리스를 마이크로서비스로 나눠야 할까? 아키텍처 선택지를 정리해 줘.' })).toMatchObject({
        tier: 'full',
        taskType: 'architecture',
      });
    });

    it('sends high-risk work to full and says why', () => {
      const decision = router.route({ request: 'Write the code that rotates our production API keys and deletes the old ones.' });
      expect(decision.tier).toBe('full');
      expect(decision.reasons.join(' ')).toMatch(/high risk/);
      expect(router.route({ request: 'Format this list as JSON.', risk: 'high' }).tier).toBe('full');
    });
  });

  describe('hard cases that fool keyword rules', () => {
    it('routes by the instruction, not by a heavy word it mentions', () => {
      expect(router.route({ request: 'Classify this architecture decision record as accepted, rejected or superseded.' })).toMatchObject({
        tier: 'nano',
        taskType: 'classify',
      });
      expect(router.route({ request: '아키텍처 다이어그램에서 서비스 이름만 추출해 줘.' })).toMatchObject({ tier: 'nano', taskType: 'extract' });
    });

    it('sends a short request with deep concurrency reasoning to full', () => {
      expect(router.route({ request: 'Fix the race condition in this worker: two workers sometimes process the same job and both write results.' }).tier).toBe(
        'full',
      );
    });

    it('moves a summary up with its context size', () => {
      expect(router.route({ request: 'Summarize this report.' }).tier).toBe('nano');
      expect(router.route({ request: 'Summarize this report.', contextTokens: 25_000 }).tier).toBe('mini');
    });
  });

  describe('caller inputs', () => {
    it('uses a given task type instead of inferring one', () => {
      const decision = router.route({ request: 'Do the thing with this text.', taskType: 'ARCHITECTURE' });
      expect(decision).toMatchObject({ taskType: 'architecture', inferred: false, tier: 'full' });
    });

    it('moves up on an uncertain cheap first pass', () => {
      const sure = router.route({ request: 'What is the default port?', firstPass: { confidence: 0.95 } });
      const unsure = router.route({ request: 'What is the default port?', firstPass: { confidence: 0.2, agreement: 0.5 } });
      expect(sure.tier).toBe('nano');
      expect(unsure.tier).toBe('mini');
      expect(unsure.scores.uncertainty).toBeCloseTo(0.8);
    });

    it('steps down to fit a budget and records it', () => {
      const decision = router.route({ request: 'Design the data model for multi-tenant evidence.', budgetUsd: 0.001 });
      expect(decision.tier).not.toBe('full');
      expect(decision.estimatedCostUsd).toBeLessThanOrEqual(0.001);
      expect(decision.reasons.some((r) => r.startsWith('budget'))).toBe(true);
    });

    it('refuses unknown task types, risks and negative context sizes with BAD_INPUT', () => {
      for (const bad of [{ taskType: 'poetry' }, { risk: 'extreme' }, { contextTokens: -1 }, { request: '   ' }]) {
        try {
          router.route({ request: 'hello', ...bad });
          expect.unreachable();
        } catch (error) {
          expect(isAppError(error) && error.code).toBe('BAD_INPUT');
        }
      }
    });

    it('follows weights and thresholds from config', () => {
      const strict = createRouter(mergeRouterConfig({ thresholds: { mini: 0, full: 0 } }), DEFAULT_PRICES);
      expect(strict.route({ request: 'Classify this ticket.' }).tier).toBe('full');
    });
  });

  it('infers "answer" for plain questions and reports its confidence', () => {
    expect(inferTaskType('Where are benchmark results written?')).toMatchObject({ taskType: 'answer' });
    expect(inferTaskType('벤치마크 결과는 어디에 저장되나요?')).toMatchObject({ taskType: 'answer' });
    expect(inferTaskType('zzz').confidence).toBe(0);
  });
});
