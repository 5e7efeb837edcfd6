import { isIP } from 'node:net';

/** Host names that only ever reach this machine. `localhost` resolves to loopback by RFC 6761 §6.3. */
const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]']);

/** True when `host` (a bind address or a Host header's name, without port) names this machine only. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  if (LOOPBACK_NAMES.has(name) || name.endsWith('.localhost')) return true;
  return isIP(name) === 4 && name.startsWith('127.');
}
