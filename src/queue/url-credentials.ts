/**
 * `https://user:pass@host/…` → `https://***@host/…`. Issue 9: credentials inside a research source URL were stored
 * verbatim in the job's readable input. They are removed when the input is parsed, so no copy of the job (BullMQ,
 * the graph record, events, evidence provenance, logs) ever holds them; the fetch goes without them. Sources that
 * need credentials take them from configuration (COGO_RESEARCH_APIS `authHeader`), never from a job.
 */
export function redactUrlCredentials(source: string): string {
  if (!/^https?:\/\//i.test(source)) return source;
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    // Not a URL after all: the research planner refuses it with its own message, and it carries no userinfo.
    return source;
  }
  if (url.username === '' && url.password === '') return source;
  url.username = '***';
  url.password = '';
  return url.toString();
}
