import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { activeTraceId, startTracing, withSpan } from '../../src/observability/tracing.js';

describe('tracing with OTEL_TRACES_EXPORTER=none', () => {
  it('records spans (real trace ids) without an endpoint, and records none once shut down', async () => {
    const config = loadConfig({ OTEL_TRACES_EXPORTER: 'none' });
    expect(config.tracing).toMatchObject({ endpoint: undefined, exporter: 'none' });
    const tracing = startTracing(config.tracing);
    expect(tracing.enabled).toBe(true);
    expect(await withSpan('inside', {}, async () => activeTraceId())).toMatch(/^[0-9a-f]{32}$/);
    await tracing.shutdown();
    expect(await withSpan('after', {}, async () => activeTraceId())).toBeUndefined();
  });

  it('records nothing by default without an endpoint', async () => {
    const tracing = startTracing(loadConfig({}).tracing);
    expect(tracing.enabled).toBe(false);
    expect(await withSpan('inside', {}, async () => activeTraceId())).toBeUndefined();
  });

  it('refuses an exporter it does not have', () => {
    expect(() => loadConfig({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/OTEL_TRACES_EXPORTER/);
  });
});
