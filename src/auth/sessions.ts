import type { Principal } from './principal.js';

/**
 * Open connections per principal (HTTP requests in flight, SSE streams, graphql-ws sockets), so that a revoked
 * credential loses them at once, and an expiring one when it expires, instead of keeping a subscription it was
 * granted before.
 */
export function createSessionRegistry() {
  const open = new Map<string, Set<() => void>>();
  return {
    /** Returns the function that forgets the session (call it when the connection closes). */
    track(principal: Pick<Principal, 'id' | 'expiresAtMs'>, close: () => void): () => void {
      const principalId = principal.id;
      let sessions = open.get(principalId);
      if (!sessions) open.set(principalId, (sessions = new Set()));
      sessions.add(close);
      // Timers are capped at ~24.8 days; a credential valid longer is closed at revocation only.
      const remaining = principal.expiresAtMs === undefined ? Infinity : principal.expiresAtMs - Date.now();
      const expiry = remaining < 2 ** 31 - 1 ? setTimeout(close, Math.max(0, remaining)) : undefined;
      expiry?.unref();
      return () => {
        clearTimeout(expiry);
        sessions.delete(close);
        if (sessions.size === 0 && open.get(principalId) === sessions) open.delete(principalId);
      };
    },
    /** Closes every open connection of the principal; returns how many there were. */
    closeAll(principalId: string): number {
      const sessions = open.get(principalId);
      open.delete(principalId);
      for (const close of sessions ?? []) close();
      return sessions?.size ?? 0;
    },
    count: (principalId: string) => open.get(principalId)?.size ?? 0,
  };
}

export type SessionRegistry = ReturnType<typeof createSessionRegistry>;
