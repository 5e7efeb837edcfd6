/**
 * Open connections per principal (HTTP requests in flight, SSE streams, graphql-ws sockets), so that a revoked
 * credential loses them at once instead of keeping a subscription it was granted before.
 */
export function createSessionRegistry() {
  const open = new Map<string, Set<() => void>>();
  return {
    /** Returns the function that forgets the session (call it when the connection closes). */
    track(principalId: string, close: () => void): () => void {
      let sessions = open.get(principalId);
      if (!sessions) open.set(principalId, (sessions = new Set()));
      sessions.add(close);
      return () => {
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
