import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { DEFAULT_PRICES, DEFAULT_ROUTER } from '../../src/config/llm.js';

describe('model tier configuration', () => {
  it('gives every tier the shared endpoint unless a per-tier one is set', () => {
    const config = loadConfig(
      { OPENAI_BASE_URL: 'http://shared:1/v1', OPENAI_API_KEY: 'k', COGO_LLM_FULL_BASE_URL: 'http://big:2/v1', COGO_LLM_FULL_API_KEY: 'big' },
      '/tmp',
    );
    expect(config.llm.tiers.nano).toEqual({ baseUrl: 'http://shared:1/v1', apiKey: 'k', model: 'gpt-5-nano' });
    expect(config.llm.tiers.full).toEqual({ baseUrl: 'http://big:2/v1', apiKey: 'big', model: 'gpt-5' });
  });

  it('overrides the prices of the tiers named in COGO_LLM_PRICES and keeps the others', () => {
    const config = loadConfig({ COGO_LLM_PRICES: '{"full":{"inputPerMTok":2,"outputPerMTok":8}}' }, '/tmp');
    expect(config.llm.prices.full).toEqual({ inputPerMTok: 2, outputPerMTok: 8 });
    expect(config.llm.prices.nano).toEqual(DEFAULT_PRICES.nano);
  });

  it('merges a partial router override over the defaults', () => {
    const config = loadConfig({ COGO_ROUTER_CONFIG: '{"thresholds":{"full":0.8},"weights":{"risk":0.4}}' }, '/tmp');
    expect(config.llm.router.thresholds).toEqual({ mini: DEFAULT_ROUTER.thresholds.mini, full: 0.8 });
    expect(config.llm.router.weights.risk).toBe(0.4);
    expect(config.llm.router.weights.length).toBe(DEFAULT_ROUTER.weights.length);
  });

  it('has the full tier judge grounding by default, on another tier or off when set', () => {
    expect(loadConfig({}, '/tmp').llm.judge).toEqual({ tier: 'full', paraphrases: true });
    expect(loadConfig({ COGO_GROUNDING_JUDGE: 'mini', COGO_GROUNDING_JUDGE_PARAPHRASES: 'false' }, '/tmp').llm.judge).toEqual({
      tier: 'mini',
      paraphrases: false,
    });
    expect(loadConfig({ COGO_GROUNDING_JUDGE: 'off' }, '/tmp').llm.judge).toBeUndefined();
    expect(() => loadConfig({ COGO_GROUNDING_JUDGE: 'huge' }, '/tmp')).toThrow(/COGO_GROUNDING_JUDGE/);
  });

  it('names the variable when its JSON is broken or of the wrong shape', () => {
    expect(() => loadConfig({ COGO_LLM_PRICES: '{nope' }, '/tmp')).toThrow(/COGO_LLM_PRICES.*valid JSON/);
    const error = (() => {
      try {
        loadConfig({ COGO_ROUTER_CONFIG: '{"weights":{"vibes":1}}' }, '/tmp');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.join()).toMatch(/COGO_ROUTER_CONFIG/);
  });
});
