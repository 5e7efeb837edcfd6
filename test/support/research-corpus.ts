import { createHash } from 'node:crypto';
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 with a generated corpus, for the research agent's tests and benchmark:
 *   /robots.txt (disallows /private/), /doc/:i (distinct article i), /doc/:i/copy (the same text: exact duplicate),
 *   /doc/:i/near (one sentence of twelve replaced: near-duplicate), /claim/a and /claim/b (the same statement
 *   with different numbers: a conflict), /empty (no readable text), /status/:code/:name?fail=N&retryAfter=S
 *   (that status for the first N hits, then 200 with text unique to the path), /live (the same article with a
 *   version line that changes on every hit: the page changed since it was stored).
 * `?ms=` delays one response; `?hold=1` holds it until `release()`. Every hit is logged with its time. `latencyMs` (fixed or [min, max]) and
 * `failureRate` (503s) apply to every route but robots.txt. Texts depend on `seed`, so evidence ids (content
 * hashes) of one run never collide with what an earlier run left in the graph.
 */

export interface CorpusOptions {
  seed?: string;
  /** A loopback address to listen on (127.0.0.2 … on Linux): several "sites" on one machine. */
  host?: string;
  latencyMs?: number | [number, number];
  failureRate?: number;
}

export interface ResearchCorpus {
  url: string;
  port: number;
  seed: string;
  hits(path: string): number;
  /** Times (ms since epoch) of the hits whose path starts with `prefix`. */
  hitTimes(prefix?: string): number[];
  totalHits(): number;
  /** Answers the requests held by `?hold=1` (and those that arrive later). */
  release(): void;
  reset(): void;
  close(): Promise<void>;
}

const SYLLABLES = 'ka lo mi ne ru ta shi vo pe da gu ri so ze ba ko ni tu ma fe lu de ho ga pi ro sa ve ki mo ja xu wi'.split(' ');
const TOPIC = ['tidal', 'turbine', 'array', 'current', 'seabed', 'grid', 'maintenance', 'output', 'energy', 'channel'];

/** mulberry32: a tiny seeded PRNG, so page i is the same text on every request. */
function prng(seedText: string): () => number {
  let a = createHash('sha256').update(seedText).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sentence(random: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const word = () => Array.from({ length: 2 + Math.floor(random() * 2) }, () => pick(SYLLABLES)).join('');
  const words = Array.from({ length: 9 + Math.floor(random() * 5) }, () => (random() < 0.15 ? pick(TOPIC) : word()));
  if (random() < 0.3) words.splice(4, 0, String(10 + Math.floor(random() * 990)));
  const text = words.join(' ');
  return `${text[0]?.toUpperCase()}${text.slice(1)}.`;
}

export interface CorpusPage {
  title: string;
  text: string;
  html: string;
}

/** Article `i`: twelve generated sentences in four paragraphs; `near` replaces the sixth sentence. */
export function corpusPage(i: number | string, options: { seed: string; variant?: 'near'; lead?: string }): CorpusPage {
  const random = prng(`${options.seed}:${i}`);
  const sentences = Array.from({ length: 12 }, () => sentence(random));
  if (options.lead) sentences.unshift(options.lead);
  if (options.variant === 'near') sentences[options.lead ? 6 : 5] = sentence(prng(`${options.seed}:${i}:near`));
  const title = `Tidal report ${i} ${createHash('sha1').update(`${options.seed}:${i}`).digest('hex').slice(0, 6)}`;
  const paragraphs: string[] = [];
  for (let p = 0; p < sentences.length; p += 3) paragraphs.push(sentences.slice(p, p + 3).join(' '));
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><article>
<h1>${title}</h1>${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}</article></main></body></html>`;
  return { title, text: paragraphs.join('\n\n'), html };
}

export const CLAIM = (gwh: number) => `The Pentland array generated ${gwh} gigawatt hours of electricity for the grid during 2023.`;

export async function startResearchCorpus(options: CorpusOptions = {}): Promise<ResearchCorpus> {
  const seed = options.seed ?? createHash('sha1').update(`${Date.now()}:${Math.random()}`).digest('hex').slice(0, 10);
  const log: Array<{ path: string; at: number }> = [];
  const counts = new Map<string, number>();
  const latency = () => {
    const l = options.latencyMs ?? 0;
    return Array.isArray(l) ? l[0] + Math.random() * (l[1] - l[0]) : l;
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://corpus.local');
    const hit = (counts.get(url.pathname) ?? 0) + 1;
    counts.set(url.pathname, hit);
    log.push({ path: url.pathname, at: Date.now() });
    if (url.pathname === '/robots.txt') return send(res, 200, 'text/plain', 'User-agent: *\nDisallow: /private/\n');
    const delay = Number(url.searchParams.get('ms') ?? latency());
    const answer = () => {
      if (res.destroyed) return;
      if (Math.random() < (options.failureRate ?? 0)) return send(res, 503, 'text/plain', 'injected failure');
      route(res, url, hit);
    };
    if (url.searchParams.get('hold') === '1') void released.then(answer);
    else setTimeout(answer, delay);
  });
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));

  function route(res: ServerResponse, url: URL, hit: number) {
    const path = url.pathname;
    let m: RegExpExecArray | null;
    if ((m = /^\/doc\/(\d+)(\/copy|\/near)?$/.exec(path))) {
      return send(res, 200, 'text/html; charset=utf-8', corpusPage(Number(m[1]), { seed, ...(m[2] === '/near' ? { variant: 'near' } : {}) }).html);
    }
    if ((m = /^\/claim\/(a|b)$/.exec(path))) {
      return send(res, 200, 'text/html; charset=utf-8', corpusPage(`claim-${m[1]}`, { seed, lead: CLAIM(m[1] === 'a' ? 34 : 43) }).html);
    }
    if (path === '/live') return send(res, 200, 'text/html; charset=utf-8', corpusPage('live', { seed, lead: `Live tidal bulletin, version ${hit}.` }).html);
    if (path === '/empty') return send(res, 200, 'text/html', '<!doctype html><html><head><title>Empty</title></head><body></body></html>');
    if ((m = /^\/status\/(\d{3})\/[\w-]+$/.exec(path))) {
      if (hit > Number(url.searchParams.get('fail') ?? Infinity)) return send(res, 200, 'text/plain', `${seed} ${path} recovered after ${hit - 1} failures`);
      const retryAfter = url.searchParams.get('retryAfter');
      if (retryAfter) res.setHeader('retry-after', retryAfter);
      return send(res, Number(m[1]), 'text/plain', `failure ${hit}`);
    }
    send(res, 404, 'text/plain', 'not found');
  }

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    seed,
    hits: (path) => counts.get(path) ?? 0,
    hitTimes: (prefix = '/') => log.filter((h) => h.path.startsWith(prefix)).map((h) => h.at),
    totalHits: () => log.length,
    release: () => release(),
    reset: () => {
      counts.clear();
      log.length = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) }).end(body);
}
