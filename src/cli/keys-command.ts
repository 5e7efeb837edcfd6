import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { createAuditLog } from '../audit/audit-log.js';
import type { ApiKeyRecord, createKeyStore } from '../auth/key-store.js';
import { loadConfig } from '../config/index.js';
import type { SqlClient } from '../db/sql-client.js';
import { AppError } from '../errors.js';
import { SQL_MIGRATIONS_DIR } from '../paths.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** `30d`, `12h`, `45m` from now, or an ISO-8601 date-time. */
export function parseExpiry(text: string, now = Date.now()): Date {
  const relative = /^(\d+)([dhm])$/.exec(text.trim());
  const unitMs = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const;
  const date = relative ? new Date(now + Number(relative[1]) * unitMs[relative[2] as keyof typeof unitMs]) : new Date(text);
  if (Number.isNaN(date.getTime())) throw new AppError('BAD_INPUT', `--expires "${text}": expected 30d, 12h, 45m or an ISO-8601 date-time`, { via: 'keys' });
  return date;
}

function describe(key: ApiKeyRecord): string {
  const state = key.revokedAt ? `revoked ${key.revokedAt}` : key.expiresAt && Date.parse(key.expiresAt) <= Date.now() ? `expired ${key.expiresAt}` : 'active';
  return `${key.id}  ${key.prefix}…  tenant=${key.tenant}  scopes=${key.scopes.join(',')}  name=${JSON.stringify(key.name)}  created=${key.createdAt}  expires=${key.expiresAt ?? 'never'}  ${state}`;
}

/**
 * An administrative command: it opens the key table directly (like `migrate`), not through the API, so that the
 * first key can be made before any credential exists. Every change is audited as `cli:<os user>`.
 */
async function withKeyStore<T>(
  work: (stores: { sql: SqlClient; keys: ReturnType<typeof createKeyStore>; audit: ReturnType<typeof createAuditLog>; actor: string }) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  // Loaded here, not at the top: every `cogo` command would load the database clients otherwise (src/cli/index.ts).
  const [{ connectSql }, { migrateSql }, { createAuditLog }, { createKeyStore }, { createLogger }] = await Promise.all([
    import('../db/connect.js'),
    import('../db/migrate.js'),
    import('../audit/audit-log.js'),
    import('../auth/key-store.js'),
    import('../observability/logger.js'),
  ]);
  const logger = createLogger({ level: 'warn' });
  const sql = await connectSql(config);
  const audit = createAuditLog(sql, logger);
  try {
    await migrateSql(sql, SQL_MIGRATIONS_DIR);
    return await work({ sql, keys: createKeyStore(sql), audit, actor: `cli:${userInfo().username}` });
  } finally {
    await audit.close();
    await sql.close();
  }
}

const auditRow = (actor: string, tenant: string, action: string, target: string, details: Record<string, unknown>) => ({
  tenant,
  principal: actor,
  action,
  target,
  traceId: null,
  outcome: 'accepted' as const,
  errorCode: null,
  details,
  ts: new Date().toISOString(),
});

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('manage API keys (opens the database directly; docs/security.md)');

  keys
    .command('create')
    .description('make an API key; it is printed once and stored only as a hash')
    .requiredOption('--tenant <tenant>', 'the tenant the key acts for')
    .requiredOption('--scopes <list>', 'comma-separated scopes, e.g. jobs:read,jobs:enqueue:research,search (docs/security.md)')
    .option('--name <name>', 'what the key is for', 'api key')
    .option('--expires <when>', '30d, 12h, 45m or an ISO-8601 date-time; default: never')
    .option('--json', 'print JSON')
    .action(async (options: { tenant: string; scopes: string; name: string; expires?: string; json?: boolean }) => {
      const expiresAt = options.expires ? parseExpiry(options.expires) : null;
      const scopes = options.scopes
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      await withKeyStore(async ({ keys: store, audit, actor }) => {
        const { key, record } = await store.create({ name: options.name, tenant: options.tenant, scopes, expiresAt });
        audit.push(auditRow(actor, record.tenant, 'key.create', record.id, { scopes: record.scopes, expiresAt: record.expiresAt, name: record.name }));
        if (options.json) return say(JSON.stringify({ key, ...record }));
        say(describe(record));
        say(`key: ${key}`);
        say('This is the only time the key is shown: store it now (send it as `Authorization: Bearer <key>`).');
      });
    });

  keys
    .command('list')
    .description('list keys (never the keys themselves)')
    .option('--tenant <tenant>', 'only this tenant')
    .option('--json', 'print JSON')
    .action(async (options: { tenant?: string; json?: boolean }) => {
      await withKeyStore(async ({ keys: store }) => {
        const records = await store.list(options.tenant);
        if (options.json) return say(JSON.stringify(records));
        if (records.length === 0) say('no API keys');
        for (const record of records) say(describe(record));
      });
    });

  keys
    .command('revoke <id>')
    .description('revoke a key at once: every API process drops it and closes its open subscriptions')
    .action(async (id: string) => {
      await withKeyStore(async ({ keys: store, audit, actor }) => {
        const revoked = await store.revoke(id);
        audit.push(auditRow(actor, revoked.tenant, 'key.revoke', revoked.id, {}));
        const config = loadConfig();
        const [{ Redis }, { publishRevocation }, { keyPrefixOf }] = await Promise.all([
          import('ioredis'),
          import('../auth/authenticator.js'),
          import('../queue/queues.js'),
        ]);
        const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 2, lazyConnect: true, retryStrategy: () => null });
        // A failure to connect is reported below through connect()'s rejection; the event would only repeat it.
        redis.on('error', () => {});
        try {
          await redis.connect();
          await publishRevocation(redis, keyPrefixOf(config.redis.prefix), revoked.id);
          say(`revoked ${revoked.id} (${revoked.revokedAt}); running API processes were told`);
        } catch (error) {
          // The revocation stands in the database; processes that missed the message drop the key when their
          // cache entry expires (COGO_KEY_CACHE_MS).
          say(
            `revoked ${revoked.id} in the database, but Redis could not be told (${(error as Error).message}); API processes drop it within COGO_KEY_CACHE_MS`,
          );
        } finally {
          redis.disconnect();
        }
      });
    });
}
