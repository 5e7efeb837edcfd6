import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { AppError } from '../errors.js';
import { assertAddressAllowed, defaultPort, type AllowList, type GuardPolicy } from './url-safety.js';

export type Resolve = (hostname: string) => Promise<string[]>;

const systemResolve: Resolve = async (hostname) => (await dnsLookup(hostname, { all: true })).map((a) => a.address);

/**
 * The enqueue-time SSRF check of an http(s) URL's host (the fetch checks again, pinned to what it connects to):
 * an IP literal is judged as is, a name by every address it resolves to — a name resolving to public and private
 * ones is a rebinding tell. Returns the checked addresses; FORBIDDEN when refused, BAD_INPUT for an unknown host.
 */
export async function checkUrlHost(url: URL, allow: AllowList, policy: GuardPolicy, resolve: Resolve = systemResolve): Promise<string[]> {
  const port = defaultPort(url);
  const bare = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(bare)) return [assertAddressAllowed(url.hostname, port, bare, allow, policy)];
  let addresses: string[];
  try {
    addresses = await resolve(bare);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA') throw new AppError('BAD_INPUT', `host not found: ${bare}`, { via: policy.via, cause: error });
    throw new AppError('UPSTREAM_UNAVAILABLE', `DNS lookup failed for ${bare}`, { via: policy.via, cause: error });
  }
  if (addresses.length === 0) throw new AppError('BAD_INPUT', `host not found: ${bare}`, { via: policy.via });
  return addresses.map((address) => assertAddressAllowed(bare, port, address, allow, policy));
}
