import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { LocalModelName } from '../embeddings/local-models.js';
import type { TracingOptions } from '../observability/tracing.js';
import { isLoopbackHost } from './loopback.js';
import { parseResearchApis, type ResearchApiConfig } from './research-apis.js';
import { DEFAULT_PRICES, mergeRouterConfig, type RouterConfig, type Tier, type TierPrice } from './llm.js';
import { envSchema, type Env } from './schema.js';

export type { ResearchApiConfig };

export { envSchema };

export interface Config {
  env: Env['NODE_ENV'];
  logLevel: Env['LOG_LEVEL'];
  /** Show internal error messages to clients (a development aid; off unless COGO_EXPOSE_INTERNAL_ERRORS=true). */
  exposeInternalErrors: boolean;
  /** Spans go to `${endpoint}/v1/traces` (OTLP/HTTP) when an endpoint is set; with exporter `none` they are
   * recorded and sent nowhere; none are recorded otherwise. */
  tracing: TracingOptions;
  http: { host: string; port: number; maxPayloadBytes: number };
  /** How the CLI reaches the API: a client like any other. */
  client: { url: string; apiKey: string | undefined };
  dataDir: string;
  services: { autostart: boolean; timeoutMs: number };
  /** The worker-thread pool that runs agents' CPU-heavy steps off the event loop. */
  cpu: { threads: number };
  redis: { url: string; prefix: string };
  neo4j: { uri: string; user: string; password: string; database: string; heap: string; browserPort: number | undefined };
  /** `url` unset = the embedded PGlite database under `pgliteDir`. */
  postgres: { url: string | undefined; pgliteDir: string };
  llm: {
    baseUrl: string | undefined;
    apiKey: string | undefined;
    models: { nano: string; mini: string; full: string };
    /** Each tier's endpoint: the per-tier override, else OPENAI_BASE_URL / OPENAI_API_KEY. No key = extractive answers. */
    tiers: Record<Tier, { baseUrl: string | undefined; apiKey: string | undefined; model: string }>;
    prices: Record<Tier, TierPrice>;
    timeoutMs: number;
    maxRetries: number;
    maxEscalations: number;
    /** The grounding judge's tier (undefined = off) and whether it may pass sentences the rules failed on wording only. */
    judge: { tier: Tier; paraphrases: boolean } | undefined;
    router: RouterConfig;
  };
  embeddings: {
    baseUrl: string | undefined;
    apiKey: string | undefined;
    model: string;
    /** Used when baseUrl is unset: the local model (files under `modelsDir`) or feature hashing. */
    local: { kind: 'model' | 'hash'; model: LocalModelName; modelsDir: string };
  };
  indexing: {
    /** Absolute folders indexing may read (compared after realpath); default: `startDir`. */
    allowedRoots: string[];
    /** The folder the service was started in: relative roots start here. */
    startDir: string;
    maxFileBytes: number;
    maxJobBytes: number;
    /** Figma import by URL: a figma.com link becomes `apiUrl/v1/files/<key>`; `token` goes in `X-Figma-Token`. */
    figma: { apiUrl: string; token: string | undefined; allowHosts: string[]; timeoutMs: number };
  };
  build: {
    allowUnsandboxed: boolean;
    hostUidBase: number;
    /** Caps of every step's limits, and their defaults (a job may only lower them). */
    limits: { cpuSeconds: number; memoryBytes: number; processes: number; openFiles: number; fileBytes: number; outputBytes: number; timeoutSeconds: number };
    defaultStepTimeoutSeconds: number;
    maxSourceBytes: number;
    maxArtifactBytes: number;
    logLinesPerSecond: number;
    /** Git sources: hosts admitted although private/loopback (COGO_BUILD_GIT_ALLOW_HOSTS) and the clone's time limit. */
    git: { allowHosts: string[]; timeoutSeconds: number };
    /** Per-job work folders and the sandbox's generated files, under the data folder. */
    dir: string;
  };
  /** The content-addressed artifact store (src/artifacts): under the data folder, or in S3 when `s3` is set. */
  artifacts: { dir: string; maxStoreBytes: number; s3?: ArtifactS3Config };
  /** The execute agent (docs/execute.md): hosts its HTTP actions may call, and per-action rate overrides. */
  execute: { allowHosts: string[]; rateLimits: Record<string, { perSec: number; burst?: number; onLimit?: 'delay' | 'refuse' }> };
  auth: {
    /** Requests without a credential act as the development principal (loopback binds only). */
    devAnonymous: boolean;
    allowedOrigins: string[];
    allowedHosts: string[];
    /** Unset = JWT bearer tokens are refused (API keys only). */
    jwt: JwtConfig | undefined;
    keyCacheMs: number;
    rateLimit: { perSec: number; burst: number };
  };
  limits: { requestTimeoutMs: number; headersTimeoutMs: number; maxJsonDepth: number; wsMaxSubscriptions: number; wsInitTimeoutMs: number };
  research: {
    /** Hosts, IPs or CIDRs that research fetches may reach although they are private or loopback (SSRF guard). */
    allowHosts: string[];
    npm: { baseUrl: string; token: string | undefined };
    apis: ResearchApiConfig[];
  };
}

/** An S3-compatible artifact store (src/artifacts/s3-artifact-store.ts). */
export interface ArtifactS3Config {
  bucket: string;
  /** Undefined = AWS S3 itself (by region). */
  endpoint?: string;
  region: string;
  /** Both or neither; neither = the AWS SDK's default credential chain. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Prepended to every key, so that one bucket can hold several stores. */
  prefix: string;
  forcePathStyle: boolean;
  createBucket: boolean;
}

function artifactS3From(e: Env): ArtifactS3Config | undefined {
  if (!e.COGO_ARTIFACTS_S3_BUCKET) return undefined;
  return {
    bucket: e.COGO_ARTIFACTS_S3_BUCKET,
    endpoint: e.COGO_ARTIFACTS_S3_ENDPOINT,
    region: e.COGO_ARTIFACTS_S3_REGION,
    accessKeyId: e.COGO_ARTIFACTS_S3_ACCESS_KEY_ID,
    secretAccessKey: e.COGO_ARTIFACTS_S3_SECRET_ACCESS_KEY,
    prefix: e.COGO_ARTIFACTS_S3_PREFIX,
    forcePathStyle: e.COGO_ARTIFACTS_S3_FORCE_PATH_STYLE ?? e.COGO_ARTIFACTS_S3_ENDPOINT !== undefined,
    createBucket: e.COGO_ARTIFACTS_S3_CREATE_BUCKET,
  };
}

export interface JwtConfig {
  /** HS256 shared secret, or else the JWKS URL of the issuer's public keys. */
  secret: string | undefined;
  jwksUrl: string | undefined;
  issuer: string;
  audience: string;
  tenantClaim: string;
  scopesClaim: string;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`COGO cannot start: fix these environment variables\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Reads, validates and freezes the configuration. The only place in COGO that reads the environment. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Readonly<Config> {
  // Empty strings count as unset: `FOO= npm start` should mean "default", not "invalid".
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      return `${name}=${JSON.stringify(present[name] ?? '')}: expected ${issue.message}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const apis = parseResearchApis(e.COGO_RESEARCH_APIS, present, cwd);
  if (apis.problems.length) throw new ConfigError(apis.problems);
  const authProblems = checkAuth(e);
  if (authProblems.length) throw new ConfigError(authProblems);
  if ((e.COGO_ARTIFACTS_S3_ACCESS_KEY_ID === undefined) !== (e.COGO_ARTIFACTS_S3_SECRET_ACCESS_KEY === undefined)) {
    throw new ConfigError([
      'COGO_ARTIFACTS_S3_ACCESS_KEY_ID and COGO_ARTIFACTS_S3_SECRET_ACCESS_KEY: set both (static credentials) or neither (the AWS SDK default chain)',
    ]);
  }
  const dataDir = path.resolve(cwd, e.COGO_DATA_DIR);
  return deepFreeze({
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    exposeInternalErrors: e.COGO_EXPOSE_INTERNAL_ERRORS,
    tracing: { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME, exporter: e.OTEL_TRACES_EXPORTER },
    http: { host: e.COGO_HOST, port: e.COGO_PORT, maxPayloadBytes: e.COGO_MAX_PAYLOAD_BYTES },
    client: { url: e.COGO_URL ?? `http://${clientHost(e.COGO_HOST)}:${e.COGO_PORT}`, apiKey: e.COGO_API_KEY },
    dataDir,
    services: { autostart: e.COGO_AUTOSTART_SERVICES, timeoutMs: e.COGO_SERVICE_TIMEOUT_MS },
    cpu: { threads: e.COGO_CPU_THREADS || Math.max(1, availableParallelism() - 1) },
    redis: { url: e.REDIS_URL, prefix: e.COGO_QUEUE_PREFIX },
    neo4j: {
      uri: e.NEO4J_URI,
      user: e.NEO4J_USER,
      password: e.NEO4J_PASSWORD,
      database: e.NEO4J_DATABASE,
      heap: e.NEO4J_HEAP,
      browserPort: e.NEO4J_BROWSER_PORT,
    },
    postgres: { url: e.DATABASE_URL, pgliteDir: path.join(dataDir, 'pg') },
    llm: {
      baseUrl: e.OPENAI_BASE_URL,
      apiKey: e.OPENAI_API_KEY,
      models: { nano: e.COGO_MODEL_NANO, mini: e.COGO_MODEL_MINI, full: e.COGO_MODEL_FULL },
      tiers: {
        nano: { baseUrl: e.COGO_LLM_NANO_BASE_URL ?? e.OPENAI_BASE_URL, apiKey: e.COGO_LLM_NANO_API_KEY ?? e.OPENAI_API_KEY, model: e.COGO_MODEL_NANO },
        mini: { baseUrl: e.COGO_LLM_MINI_BASE_URL ?? e.OPENAI_BASE_URL, apiKey: e.COGO_LLM_MINI_API_KEY ?? e.OPENAI_API_KEY, model: e.COGO_MODEL_MINI },
        full: { baseUrl: e.COGO_LLM_FULL_BASE_URL ?? e.OPENAI_BASE_URL, apiKey: e.COGO_LLM_FULL_API_KEY ?? e.OPENAI_API_KEY, model: e.COGO_MODEL_FULL },
      },
      prices: { ...DEFAULT_PRICES, ...e.COGO_LLM_PRICES },
      timeoutMs: e.COGO_LLM_TIMEOUT_MS,
      maxRetries: e.COGO_LLM_MAX_RETRIES,
      maxEscalations: e.COGO_LLM_MAX_ESCALATIONS,
      judge: e.COGO_GROUNDING_JUDGE === 'off' ? undefined : { tier: e.COGO_GROUNDING_JUDGE, paraphrases: e.COGO_GROUNDING_JUDGE_PARAPHRASES },
      router: mergeRouterConfig(e.COGO_ROUTER_CONFIG as Partial<RouterConfig> | undefined),
    },
    embeddings: {
      baseUrl: e.EMBEDDINGS_BASE_URL,
      apiKey: e.EMBEDDINGS_API_KEY,
      model: e.EMBEDDINGS_MODEL,
      local: {
        kind: e.COGO_LOCAL_EMBEDDER,
        model: e.COGO_LOCAL_MODEL,
        modelsDir: e.COGO_MODELS_DIR ? path.resolve(cwd, e.COGO_MODELS_DIR) : path.join(dataDir, 'models'),
      },
    },
    indexing: {
      allowedRoots: (e.COGO_INDEX_ROOTS.length > 0 ? e.COGO_INDEX_ROOTS : [cwd]).map((root) => path.resolve(cwd, root)),
      startDir: path.resolve(cwd),
      maxFileBytes: e.COGO_INDEX_MAX_FILE_BYTES,
      maxJobBytes: e.COGO_INDEX_MAX_JOB_BYTES,
      figma: {
        apiUrl: e.COGO_FIGMA_API_URL,
        token: e.COGO_FIGMA_TOKEN,
        allowHosts: e.COGO_FIGMA_ALLOW_HOSTS,
        timeoutMs: e.COGO_FIGMA_TIMEOUT_SECONDS * 1000,
      },
    },
    build: {
      allowUnsandboxed: e.COGO_BUILD_ALLOW_UNSANDBOXED,
      hostUidBase: e.COGO_BUILD_HOST_UID_BASE,
      limits: {
        cpuSeconds: e.COGO_BUILD_CPU_SECONDS,
        memoryBytes: e.COGO_BUILD_MEMORY_BYTES,
        processes: e.COGO_BUILD_PROCESSES,
        openFiles: e.COGO_BUILD_OPEN_FILES,
        fileBytes: e.COGO_BUILD_FILE_BYTES,
        outputBytes: e.COGO_BUILD_OUTPUT_BYTES,
        timeoutSeconds: e.COGO_BUILD_MAX_STEP_TIMEOUT_SECONDS,
      },
      defaultStepTimeoutSeconds: Math.min(e.COGO_BUILD_STEP_TIMEOUT_SECONDS, e.COGO_BUILD_MAX_STEP_TIMEOUT_SECONDS),
      maxSourceBytes: e.COGO_BUILD_MAX_SOURCE_BYTES,
      maxArtifactBytes: e.COGO_BUILD_MAX_ARTIFACT_BYTES,
      logLinesPerSecond: e.COGO_BUILD_LOG_LINES_PER_SECOND,
      git: { allowHosts: e.COGO_BUILD_GIT_ALLOW_HOSTS, timeoutSeconds: e.COGO_BUILD_GIT_TIMEOUT_SECONDS },
      dir: path.join(dataDir, 'build'),
    },
    artifacts: { dir: path.join(dataDir, 'artifacts'), maxStoreBytes: e.COGO_ARTIFACTS_MAX_STORE_BYTES, s3: artifactS3From(e) },
    execute: { allowHosts: e.COGO_EXECUTE_ALLOW_HOSTS, rateLimits: e.COGO_EXECUTE_RATE_LIMITS ?? {} },
    auth: {
      devAnonymous: e.COGO_DEV_ANONYMOUS ?? isLoopbackHost(e.COGO_HOST),
      allowedOrigins: e.COGO_ALLOWED_ORIGINS,
      allowedHosts: e.COGO_ALLOWED_HOSTS.map((h) => h.toLowerCase()),
      jwt:
        e.COGO_JWT_SECRET || e.COGO_JWT_JWKS_URL
          ? {
              secret: e.COGO_JWT_SECRET,
              jwksUrl: e.COGO_JWT_JWKS_URL,
              issuer: e.COGO_JWT_ISSUER as string,
              audience: e.COGO_JWT_AUDIENCE as string,
              tenantClaim: e.COGO_JWT_TENANT_CLAIM,
              scopesClaim: e.COGO_JWT_SCOPES_CLAIM,
            }
          : undefined,
      keyCacheMs: e.COGO_KEY_CACHE_MS,
      rateLimit: { perSec: e.COGO_RATE_LIMIT_PER_SEC, burst: e.COGO_RATE_LIMIT_BURST },
    },
    limits: {
      requestTimeoutMs: e.COGO_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: e.COGO_HEADERS_TIMEOUT_MS,
      maxJsonDepth: e.COGO_MAX_JSON_DEPTH,
      wsMaxSubscriptions: e.COGO_WS_MAX_SUBSCRIPTIONS,
      wsInitTimeoutMs: e.COGO_WS_INIT_TIMEOUT_MS,
    },
    research: { allowHosts: e.COGO_RESEARCH_ALLOW_HOSTS, npm: { baseUrl: e.COGO_NPM_REGISTRY_URL, token: e.COGO_NPM_TOKEN }, apis: apis.apis },
  });
}

/** A server bound to every interface is reached on loopback; IPv6 literals need brackets in a URL. */
function clientHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** Settings that are each valid but wrong together: anonymous access off loopback, a JWT setup that checks nothing. */
function checkAuth(e: Env): string[] {
  const problems: string[] = [];
  if (e.COGO_DEV_ANONYMOUS && !isLoopbackHost(e.COGO_HOST)) {
    problems.push(
      `COGO_DEV_ANONYMOUS="true": anonymous development mode is allowed only while COGO_HOST is a loopback address (it is ${e.COGO_HOST}); use API keys or JWTs`,
    );
  }
  if (e.COGO_JWT_SECRET && e.COGO_JWT_JWKS_URL) problems.push('COGO_JWT_SECRET and COGO_JWT_JWKS_URL: set one of them, not both');
  if (e.COGO_JWT_SECRET || e.COGO_JWT_JWKS_URL) {
    if (!e.COGO_JWT_ISSUER) problems.push('COGO_JWT_ISSUER="": expected the issuer (`iss`) every accepted token must carry');
    if (!e.COGO_JWT_AUDIENCE) problems.push('COGO_JWT_AUDIENCE="": expected the audience (`aud`) every accepted token must carry');
  }
  return problems;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
