import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.js';

// The project's own eslint.config.js, so the test proves the rule `npm run lint` runs, not a copy of it.
const eslint = new ESLint({ cwd: PROJECT_ROOT, overrideConfigFile: path.join(PROJECT_ROOT, 'eslint.config.js') });

async function restrictedImports(fixture: string, lintedAs: string): Promise<string[]> {
  const code = await readFile(path.join(PROJECT_ROOT, 'test/fixtures/layers', fixture), 'utf8');
  const [result] = await eslint.lintText(code, { filePath: path.join(PROJECT_ROOT, lintedAs) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the dependency-direction lint rule', () => {
  describe('when a service in src/ imports agents/', () => {
    it('fails lint, naming the composition root as the way out', async () => {
      const messages = await restrictedImports('service-imports-agent.ts', 'src/queue/layer-fixture.ts');
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain('../../agents/index.js');
      expect(messages[0]).toContain('composition root');
    });
  });

  describe('when ingest/ imports agents/', () => {
    it('fails lint as well', async () => {
      const messages = await restrictedImports('service-imports-agent.ts', 'ingest/embedders/layer-fixture.ts');
      expect(messages).toHaveLength(1);
    });
  });

  describe('when an agent imports the composition root (the whole Runtime)', () => {
    it('fails lint: agents receive narrow interfaces', async () => {
      const messages = await restrictedImports('agent-imports-runtime.ts', 'agents/research/layer-fixture.ts');
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain('narrow interfaces');
    });
  });

  describe('when the composition root imports agents/', () => {
    it('passes: wiring agents is its job', async () => {
      expect(await restrictedImports('service-imports-agent.ts', 'src/cli/layer-fixture.ts')).toEqual([]);
    });
  });

  describe('when an adapter in ingest/ imports the port it implements from src/', () => {
    it('passes: the import points down the pipeline', async () => {
      expect(await restrictedImports('adapter-imports-port.ts', 'ingest/embedders/layer-fixture.ts')).toEqual([]);
    });
  });
});
