import { z } from 'zod';
import { LOCAL_MODEL_NAMES } from '../embeddings/local-models.js';
import { TASK_TYPES, TIERS } from './llm.js';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));
// 0 = any free port (tests, and several instances on one machine).
const port = z.coerce.number().int().min(0).max(65535);
const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { message: `a URL with scheme ${protocols.join(' or ')}` },
  );
/** A JSON object in a variable, checked against `shape` (zod) so a typo names the variable. */
const json = <T extends z.ZodType>(shape: T) =>
  z.string().transform((text, ctx) => {
    try {
      const parsed = shape.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data as z.infer<T>;
      ctx.addIssue({ code: 'custom', message: `JSON matching ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
    } catch {
      ctx.addIssue({ code: 'custom', message: 'valid JSON' });
    }
    return z.NEVER;
  });
const tierEnum = z.enum(TIERS);
const price = z.object({ inputPerMTok: z.number().min(0), outputPerMTok: z.number().min(0) }).strict();
const routerOverride = z
  .object({
    taskBase: z.partialRecord(z.enum(TASK_TYPES), z.number().min(0).max(1)),
    weights: z.partialRecord(z.enum(['length', 'risk', 'accuracy', 'uncertainty', 'steps', 'reasoning', 'simple']), z.number().min(0).max(2)),
    thresholds: z.object({ mini: z.number().min(0).max(2), full: z.number().min(0).max(2) }).partial(),
    longContextTokens: z.number().int().min(1),
    floors: z.partialRecord(z.enum(TASK_TYPES), tierEnum),
  })
  .partial()
  .strict();
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/**
 * Every environment variable COGO reads, with its default. The keys are the variable names so that an error
 * can name the variable the user has to fix. README's configuration table is generated from the same list.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  COGO_HOST: z.string().min(1).default('127.0.0.1'),
  COGO_PORT: port.default(4000),
  COGO_DATA_DIR: z.string().min(1).default('.cogo'),
  COGO_MAX_PAYLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  COGO_AUTOSTART_SERVICES: bool.default(true),
  COGO_EXPOSE_INTERNAL_ERRORS: bool.default(false),
  // OpenTelemetry's own names, so a collector set up for other services configures COGO too.
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http', 'https']).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('cogo'),
  /** `none`: spans are recorded (trace ids on logs and events) but sent nowhere; `otlp` sends them to the endpoint. */
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none']).default('otlp'),
  COGO_SERVICE_TIMEOUT_MS: z.coerce.number().int().min(1000).default(180_000),
  /** Threads for CPU-heavy agent steps (parsing, chunking, hashing, local embedding); 0 = cores - 1, at least 1. */
  COGO_CPU_THREADS: z.coerce.number().int().min(0).max(64).default(0),

  /** Where the CLI finds the API (default: COGO_HOST and COGO_PORT), and the API key it presents. */
  COGO_URL: url(['http', 'https']).optional(),
  COGO_API_KEY: z.string().min(1).optional(),

  REDIS_URL: url(['redis', 'rediss']).default('redis://127.0.0.1:6379'),
  COGO_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
    .default('cogo'),

  NEO4J_URI: url(['bolt', 'neo4j', 'bolt+s', 'neo4j+s', 'bolt+ssc', 'neo4j+ssc']).default('bolt://127.0.0.1:7687'),
  NEO4J_USER: z.string().min(1).default('neo4j'),
  NEO4J_PASSWORD: z.string().min(8, 'at least 8 characters (Neo4j refuses shorter passwords)').default('cogo-dev-password'),
  NEO4J_DATABASE: z.string().min(1).default('neo4j'),
  NEO4J_HEAP: z
    .string()
    .regex(/^\d+[mg]$/, 'a JVM size such as 768m or 1g')
    .default('768m'),
  /** Where the Java launcher serves Neo4j Browser (http://127.0.0.1:<port>/browser/); unset = Bolt only. */
  NEO4J_BROWSER_PORT: port.optional(),

  DATABASE_URL: url(['postgres', 'postgresql']).optional(),

  OPENAI_BASE_URL: url(['http', 'https']).optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  COGO_MODEL_NANO: z.string().min(1).default('gpt-5-nano'),
  COGO_MODEL_MINI: z.string().min(1).default('gpt-5-mini'),
  COGO_MODEL_FULL: z.string().min(1).default('gpt-5'),
  /** Per-tier endpoint and key; unset = OPENAI_BASE_URL / OPENAI_API_KEY. */
  COGO_LLM_NANO_BASE_URL: url(['http', 'https']).optional(),
  COGO_LLM_MINI_BASE_URL: url(['http', 'https']).optional(),
  COGO_LLM_FULL_BASE_URL: url(['http', 'https']).optional(),
  COGO_LLM_NANO_API_KEY: z.string().min(1).optional(),
  COGO_LLM_MINI_API_KEY: z.string().min(1).optional(),
  COGO_LLM_FULL_API_KEY: z.string().min(1).optional(),
  /** USD per million tokens per tier, e.g. {"full":{"inputPerMTok":1.25,"outputPerMTok":10}}; unset tiers keep the defaults. */
  COGO_LLM_PRICES: json(z.partialRecord(tierEnum, price)).optional(),
  /** One model call, streaming included, ends with TIMEOUT after this long. */
  COGO_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  /** Retries of one call on the same tier (429, 5xx, timeouts), before escalation. */
  COGO_LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** How many times an answer may move one tier up (schema failure, ungrounded, error). */
  COGO_LLM_MAX_ESCALATIONS: z.coerce.number().int().min(0).max(2).default(2),
  /** The tier that judges the cited sentences the grounding rules pass (src/llm/grounding-judge.ts); `off` = rules only. */
  COGO_GROUNDING_JUDGE: z.enum([...TIERS, 'off']).default('full'),
  /** The judge also sees sentences the rules failed only on wording (word overlap, end focus), and may pass them. */
  COGO_GROUNDING_JUDGE_PARAPHRASES: bool.default(true),
  /** Partial override of the router's weights and thresholds (src/config/llm.ts, docs/llm.md). */
  COGO_ROUTER_CONFIG: json(routerOverride).optional(),
  EMBEDDINGS_BASE_URL: url(['http', 'https']).optional(),
  EMBEDDINGS_API_KEY: z.string().min(1).optional(),
  EMBEDDINGS_MODEL: z.string().min(1).default('bge-m3'),
  /** Without EMBEDDINGS_BASE_URL: `model` = the local ONNX model (feature hashing only if it cannot start), `hash` = feature hashing. */
  COGO_LOCAL_EMBEDDER: z.enum(['model', 'hash']).default('model'),
  /** Which local model (docs/indexing.md § Local embedding model). */
  COGO_LOCAL_MODEL: z.enum(LOCAL_MODEL_NAMES).default('bge-small-en-v1.5-q'),
  /** Where the local models' files are extracted; default `<COGO_DATA_DIR>/models`. */
  COGO_MODELS_DIR: z.string().min(1).optional(),

  /** Folders indexing may read; unset = the folder the service was started in. */
  COGO_INDEX_ROOTS: list.default([]),
  COGO_INDEX_MAX_FILE_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(1024 * 1024),
  COGO_INDEX_MAX_JOB_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(1024 * 1024 * 1024),
  /** Figma import by URL (docs/graph-api.md): the REST API a figma.com link is fetched from, and its token (never stored in a job). */
  COGO_FIGMA_API_URL: url(['http', 'https']).default('https://api.figma.com'),
  COGO_FIGMA_TOKEN: z.string().min(1).optional(),
  /** Hosts, IPs or CIDRs a Figma import URL may reach although private/loopback (the SSRF guard of research). */
  COGO_FIGMA_ALLOW_HOSTS: list.default([]),
  /** Wall clock of one Figma file download. */
  COGO_FIGMA_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(120),
  COGO_RESEARCH_ALLOW_HOSTS: list.default([]),
  /** A JSON file (or inline JSON) listing JSON APIs as research sources; see src/config/research-apis.ts. */
  COGO_RESEARCH_APIS: z.string().optional(),
  COGO_NPM_REGISTRY_URL: url(['http', 'https']).default('https://registry.npmjs.org'),
  COGO_NPM_TOKEN: z.string().min(1).optional(),

  /** Build agent (docs/build.md). Without a working bubblewrap, builds are refused unless this allows running them unsandboxed. */
  COGO_BUILD_ALLOW_UNSANDBOXED: bool.default(false),
  /** First host uid a sandboxed step runs as when the worker is root; each concurrently running step gets its own. */
  COGO_BUILD_HOST_UID_BASE: z.coerce
    .number()
    .int()
    .min(1000)
    .max(2 ** 31 - 4096 * 64)
    .default(200_000),
  /** Per-step limits: the caps a job may lower with `limits`, and the defaults when it does not. */
  COGO_BUILD_CPU_SECONDS: z.coerce.number().int().min(1).default(600),
  COGO_BUILD_MEMORY_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024 * 1024)
    .default(4 * 1024 * 1024 * 1024),
  COGO_BUILD_PROCESSES: z.coerce.number().int().min(4).default(256),
  COGO_BUILD_OPEN_FILES: z.coerce.number().int().min(16).default(4096),
  COGO_BUILD_FILE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024 * 1024),
  COGO_BUILD_OUTPUT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(16 * 1024 * 1024),
  COGO_BUILD_MAX_STEP_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(1800),
  COGO_BUILD_STEP_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(600),
  /** Bytes of source copied into a build's work folder, and the largest artifact file kept. */
  COGO_BUILD_MAX_SOURCE_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(1024 * 1024 * 1024),
  COGO_BUILD_MAX_ARTIFACT_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(256 * 1024 * 1024),
  /** `build.log` lines a job publishes per second at most; the rest are counted in a truncation marker. */
  COGO_BUILD_LOG_LINES_PER_SECOND: z.coerce.number().int().min(1).default(500),
  /** Hosts, IPs or CIDRs a build's `source.gitUrl` may reach although private/loopback (the SSRF guard of research). */
  COGO_BUILD_GIT_ALLOW_HOSTS: list.default([]),
  /** Wall clock of a build's git clone; past it the git process group is killed. */
  COGO_BUILD_GIT_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(300),
  /** Hosts (`name[:port]`, `*.domain`), IPs or CIDRs the execute agent's `http.request` and `webhook.notify` may call; nothing else. */
  COGO_EXECUTE_ALLOW_HOSTS: list.default([]),
  /** Per-tenant token buckets of execute actions, overriding the actions' own: `{"webhook.notify": {"perSec": 2, "burst": 1}}`. */
  COGO_EXECUTE_RATE_LIMITS: json(
    z.record(
      z.string(),
      z.object({ perSec: z.number().positive(), burst: z.number().int().min(1).optional(), onLimit: z.enum(['delay', 'refuse']).optional() }).strict(),
    ),
  ).optional(),
  /** Bytes the artifact store may hold in total (blobs); a new blob past it is refused. 0 = no quota. */
  COGO_ARTIFACTS_MAX_STORE_BYTES: z.coerce.number().int().min(0).default(0),
  /** Set = artifacts go to this bucket of an S3-compatible store instead of the data folder (docs/build.md). */
  COGO_ARTIFACTS_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name (3-63 characters: lowercase letters, digits, dots, hyphens)')
    .optional(),
  /** Unset = AWS S3 itself; else the S3-compatible server (`http://127.0.0.1:9000`, MinIO, S3Proxy, Ceph, R2 …). */
  COGO_ARTIFACTS_S3_ENDPOINT: url(['http', 'https']).optional(),
  COGO_ARTIFACTS_S3_REGION: z.string().min(1).default('us-east-1'),
  /** Both or neither; neither = the AWS SDK's default credential chain (environment, profile, instance role). */
  COGO_ARTIFACTS_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  COGO_ARTIFACTS_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Key prefix inside the bucket (`cogo/`), so that one bucket can hold several stores. */
  COGO_ARTIFACTS_S3_PREFIX: z
    .string()
    // Letters, digits, `_ . -` only: the prefix goes into CopySource and URLs unescaped.
    .regex(/^([A-Za-z0-9_.-]+\/)*$/, 'a key prefix of path segments of letters, digits, "_", "." or "-", each ending in "/" (`cogo/`), or empty')
    .refine((prefix) => !prefix.split('/').some((segment) => segment === '.' || segment === '..'), 'a key prefix without "." or ".." segments')
    .default(''),
  /** Path-style URLs (`endpoint/bucket/key`); unset = on exactly when COGO_ARTIFACTS_S3_ENDPOINT is set. */
  COGO_ARTIFACTS_S3_FORCE_PATH_STYLE: bool.optional(),
  /** Create the bucket when it is missing (else a missing bucket is an error that says so). */
  COGO_ARTIFACTS_S3_CREATE_BUCKET: bool.default(false),
  /** Anonymous development mode (docs/security.md); unset = on exactly when COGO_HOST is a loopback address. */
  COGO_DEV_ANONYMOUS: bool.optional(),
  /** Browser origins allowed besides the server's own (`https://app.example.com`). */
  COGO_ALLOWED_ORIGINS: list.default([]),
  /** Host names the server answers to in development mode besides the loopback names (DNS-rebinding guard). */
  COGO_ALLOWED_HOSTS: list.default([]),
  COGO_JWT_SECRET: z.string().min(32, 'at least 32 characters (an HS256 secret of 256 bits)').optional(),
  COGO_JWT_JWKS_URL: url(['http', 'https']).optional(),
  COGO_JWT_ISSUER: z.string().min(1).optional(),
  COGO_JWT_AUDIENCE: z.string().min(1).optional(),
  COGO_JWT_TENANT_CLAIM: z.string().min(1).default('tenant'),
  COGO_JWT_SCOPES_CLAIM: z.string().min(1).default('scope'),
  COGO_KEY_CACHE_MS: z.coerce.number().int().min(0).max(300_000).default(10_000),
  COGO_RATE_LIMIT_PER_SEC: z.coerce.number().positive().default(20),
  COGO_RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(60),
  COGO_WS_MAX_SUBSCRIPTIONS: z.coerce.number().int().min(1).default(32),
  COGO_WS_INIT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  COGO_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(500).default(30_000),
  COGO_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(500).default(10_000),
  COGO_MAX_JSON_DEPTH: z.coerce.number().int().min(2).max(1000).default(64),
});

export type Env = z.infer<typeof envSchema>;
