import ipaddr from 'ipaddr.js';
import { AppError } from '../errors.js';

/**
 * SSRF guard (DESIGN §7): research fetches reach only public unicast addresses unless an operator allow-lists a
 * host. Decisions are made on resolved IP addresses, never on names, so `evil.example → 127.0.0.1` is caught; the
 * connection itself is pinned to the checked address by `safe-dispatcher.ts`.
 *
 * Error codes: a URL that can never be fetched (malformed, not http/https, embedded credentials) is BAD_INPUT;
 * an address that policy refuses but an operator could allow-list is FORBIDDEN.
 */

export const ALLOW_HOSTS_ENV = 'COGO_RESEARCH_ALLOW_HOSTS';

/** Who applies the guard: the component named in its errors and the setting that allow-lists a host. */
export interface GuardPolicy {
  via: string;
  allowEnv: string;
}

export const RESEARCH_POLICY: GuardPolicy = { via: 'research', allowEnv: ALLOW_HOSTS_ENV };

/** Cloud instance-metadata endpoints: credentials live there, so a CIDR or host entry never admits them. */
const METADATA = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', 'fd00:ec2::254']);

export interface AddressClass {
  /** Normalized address (IPv4-mapped IPv6 shown as IPv4). */
  address: string;
  /** ipaddr.js range name (`unicast`, `loopback`, `private`, …) or `metadata`. */
  range: string;
  isPublic: boolean;
  isMetadata: boolean;
}

/** Classifies an IP literal; anything that is not public unicast (after unwrapping embedded IPv4) is non-public. */
export function classifyAddress(ip: string): AddressClass {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (!ipaddr.isValid(bare)) throw new AppError('BAD_INPUT', `not an IP address: ${ip}`, { via: 'research' });
  let parsed = ipaddr.parse(bare.split('%')[0] ?? bare);
  if (parsed.kind() === 'ipv6') {
    const embedded = embeddedIPv4(parsed as ipaddr.IPv6);
    if (embedded) parsed = embedded;
  }
  const address = parsed.toString();
  if (METADATA.has(address)) return { address, range: 'metadata', isPublic: false, isMetadata: true };
  const range = parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).range() === 'teredo' ? 'teredo' : parsed.range();
  return { address, range, isPublic: range === 'unicast', isMetadata: false };
}

/** IPv4 tunnelled inside IPv6 reaches the IPv4 host, so it is judged as that host. */
function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = v6.parts;
  const fromWords = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const range = v6.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') return fromWords(p[6] ?? 0, p[7] ?? 0);
  if (range === '6to4') return fromWords(p[1] ?? 0, p[2] ?? 0);
  return undefined;
}

type Entry =
  | { kind: 'name'; name: string; wildcard: boolean; port?: number }
  | { kind: 'ip'; address: string; port?: number }
  | { kind: 'cidr'; cidr: [ipaddr.IPv4 | ipaddr.IPv6, number] };

export interface AllowList {
  readonly entries: readonly string[];
  /** A hostname entry (`localhost`, `*.corp.example`, `docs.local:8080`) admits whatever the name resolves to. */
  admitsHost(hostname: string, port: number): boolean;
  /** An IP (`127.0.0.1`, `[::1]:8080`) or CIDR (`10.0.0.0/8`) entry admits matching addresses. */
  admitsAddress(address: string, port: number): boolean;
}

/**
 * Entries: hostnames (optionally `*.` wildcard), IPs, CIDRs; hostnames and IPs may carry `:port` so that
 * allow-listing a local docs server does not also open every other local service.
 */
export function parseAllowList(entries: readonly string[], policy: GuardPolicy = RESEARCH_POLICY): AllowList {
  const parsed = entries.map((raw) => parseEntry(raw.trim().toLowerCase(), policy));
  const portOk = (entry: { port?: number }, port: number) => entry.port === undefined || entry.port === port;
  return {
    entries: [...entries],
    admitsHost(hostname, port) {
      const host = hostname.toLowerCase().replace(/\.$/, '');
      return parsed.some((e) => e.kind === 'name' && portOk(e, port) && (e.wildcard ? host.endsWith(`.${e.name}`) : host === e.name));
    },
    admitsAddress(address, port) {
      const cls = classifyAddress(address);
      const ip = ipaddr.parse(cls.address);
      return parsed.some((e) => {
        if (e.kind === 'ip') return e.address === cls.address && portOk(e, port);
        if (e.kind === 'cidr' && !cls.isMetadata) return ip.kind() === e.cidr[0].kind() && ip.match(e.cidr);
        return false;
      });
    },
  };
}

function parseEntry(entry: string, policy: GuardPolicy): Entry {
  const bad = () => new AppError('BAD_INPUT', `${policy.allowEnv}: "${entry}" is not a hostname, IP address or CIDR`, { via: policy.via });
  if (entry.includes('/')) {
    if (!ipaddr.isValidCIDR(entry)) throw bad();
    return { kind: 'cidr', cidr: ipaddr.parseCIDR(entry) };
  }
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  const [host, portText] = bracketed
    ? [bracketed[1] ?? '', bracketed[2]]
    : entry.split(':').length === 2
      ? (entry.split(':') as [string, string])
      : [entry, undefined];
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw bad();
  if (ipaddr.IPv4.isValidFourPartDecimal(host) || ipaddr.IPv6.isValid(host)) {
    return { kind: 'ip', address: classifyAddress(host).address, port };
  }
  const wildcard = host.startsWith('*.');
  const name = wildcard ? host.slice(2) : host;
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(name)) throw bad();
  return { kind: 'name', name, wildcard, port };
}

export function defaultPort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/** Refuses one resolved address unless it is public or allow-listed; returns the normalized address. */
export function assertAddressAllowed(hostname: string, port: number, address: string, allow: AllowList, policy: GuardPolicy = RESEARCH_POLICY): string {
  const cls = classifyAddress(address);
  if (cls.isPublic) return cls.address;
  const isLiteral = ipaddr.isValid(hostname.replace(/^\[|\]$/g, ''));
  const byName = !isLiteral && !cls.isMetadata && allow.admitsHost(hostname, port);
  if (byName || allow.admitsAddress(cls.address, port)) return cls.address;
  const what = cls.isMetadata ? 'a cloud metadata endpoint' : `${cls.range} (private/loopback/link-local/reserved)`;
  const target = port === 80 || port === 443 ? hostname : `${hostname}:${port}`;
  throw new AppError('FORBIDDEN', `refusing to fetch ${target}: address ${cls.address} is ${what}; add it to ${policy.allowEnv} to allow`, {
    via: policy.via,
    retryable: false,
    details: { host: hostname, port, address: cls.address, range: cls.range },
  });
}

/**
 * Checks what can be checked before DNS: scheme, credentials and IP-literal hosts (Node never calls a custom
 * lookup for IP literals, so they must be judged here). Named hosts are judged again after resolution.
 */
export function assertUrlAllowed(input: string | URL, allow: AllowList, policy: GuardPolicy = RESEARCH_POLICY): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new AppError('BAD_INPUT', `not a valid URL: ${String(input).slice(0, 200)}`, { via: policy.via });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('BAD_INPUT', `only http and https URLs can be fetched, not ${url.protocol}`, {
      via: policy.via,
      details: { scheme: url.protocol.replace(/:$/, '') },
    });
  }
  if (url.username || url.password) {
    throw new AppError('BAD_INPUT', 'URLs with embedded credentials are not fetched', { via: policy.via });
  }
  const bare = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(bare)) assertAddressAllowed(url.hostname, defaultPort(url), bare, allow, policy);
  return url;
}
