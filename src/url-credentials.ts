/**
 * `scheme://user:pass@host/…` → `scheme://[redacted]@host/…`: the one place that hides credentials written into a
 * URL. The userinfo ends at the authority's last `@`, so a raw `@` in a password is hidden too.
 *
 * Issue 9: credentials inside a research source URL were stored verbatim in the job's readable input. Job inputs
 * pass through here when they are parsed, so no copy of the job (BullMQ, the graph record, events, evidence
 * provenance, logs) ever holds them; research failure reports use it as well.
 */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*@/i;

export function redactUrlCredentials(text: string): string {
  return text.replace(USERINFO, '$1[redacted]@');
}
