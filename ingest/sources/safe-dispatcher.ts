import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { AppError } from '../../src/errors.js';
import { assertAddressAllowed, type AllowList, type GuardPolicy } from '../../src/net/url-safety.js';

export type Resolver = (hostname: string) => Promise<string[]>;

export interface SafeDispatcherOptions {
  allowList: AllowList;
  connectTimeoutMs?: number;
  /** Name resolution; the system resolver by default. */
  resolve?: Resolver;
  /** Whose guard refuses (the setting named in FORBIDDEN); research's by default. */
  policy?: GuardPolicy;
}

const systemResolve: Resolver = async (hostname) => {
  try {
    return (await dnsLookup(hostname, { all: true })).map((entry) => entry.address);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA') {
      throw new AppError('NOT_FOUND', `host not found: ${hostname}`, { via: 'research', retryable: false, cause: error });
    }
    throw new AppError('UPSTREAM_UNAVAILABLE', `DNS lookup failed for ${hostname}`, { via: 'research', cause: error });
  }
};

/**
 * An undici Agent whose connector resolves the host itself, refuses the whole host if any address is not
 * allowed, and then connects to the checked address: there is no second resolution a rebinding DNS server
 * could answer differently. A connector (rather than `connect.lookup`) is used because Node skips `lookup`
 * for IP literals and a lookup never sees the port, which port-scoped allow-list entries need.
 */
export function createSafeDispatcher(options: SafeDispatcherOptions): Agent {
  const { allowList, connectTimeoutMs = 10_000, resolve = systemResolve, policy } = options;
  const base = buildConnector({ timeout: connectTimeoutMs });
  const connect: buildConnector.connector = (opts, callback) => {
    const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
    checkedAddresses(opts.hostname, port, allowList, resolve, policy).then(
      (addresses) => connectFirst(addresses, 0),
      (error: unknown) => callback(error as Error, null),
    );
    // Try each checked address in order, as happy-eyeballs would, but never an unchecked one.
    function connectFirst(addresses: string[], index: number): void {
      base({ ...opts, hostname: addresses[index] ?? opts.hostname }, (error, socket) => {
        if (error && index + 1 < addresses.length) connectFirst(addresses, index + 1);
        else if (error) callback(error, null);
        else callback(null, socket);
      });
    }
  };
  return new Agent({ connect, maxRedirections: 0 });
}

async function checkedAddresses(hostname: string, port: number, allow: AllowList, resolve: Resolver, policy?: GuardPolicy): Promise<string[]> {
  const addresses = isIP(hostname) ? [hostname] : await resolve(hostname);
  if (addresses.length === 0) throw new AppError('NOT_FOUND', `host not found: ${hostname}`, { via: 'research', retryable: false });
  // Every address must pass: a name that resolves to both public and private addresses is a rebinding tell.
  for (const address of addresses) assertAddressAllowed(hostname, port, address, allow, policy);
  return addresses;
}
