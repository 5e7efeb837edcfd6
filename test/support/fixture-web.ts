import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 for the research sources' tests and benchmarks. Routes by path:
 *   /robots.txt (disallows /private/), /article, /article-copy (duplicate), /article-near (one sentence changed),
 *   /etag/article (ETag + Last-Modified, 304), /redirect/chain/:n, /redirect/loopback (→ a second local server),
 *   /redirect/metadata (→ 169.254.169.254), /redirect/file (→ file://), /slow?ms=, /status/:code/:name?fail=N
 *   (that status for the first N hits, with Retry-After for 429/503), /huge (10 MB streamed; ?declared=1 sends
 *   Content-Length), /text.txt, /data.json, /binary.pdf, /npm/-/v1/search, /npm/:name, /api/search?q=,
 *   /api/items/:id (both need `x-api-key: fixture-key`), /api/redirect-away (→ the second server).
 * Every route counts hits by path; `latencyMs` and `failureRate` (503s) apply to every route but robots.txt.
 */
export interface FixtureWebOptions {
  latencyMs?: number;
  failureRate?: number;
  slowMs?: number;
}

export interface FixtureWeb {
  url: string;
  port: number;
  /** A second server on another loopback port, standing in for an internal service SSRF must not reach. */
  secretUrl: string;
  /** Headers of every request the second server received. */
  secretRequests: Array<Record<string, string | string[] | undefined>>;
  hits(path: string): number;
  totalHits(): number;
  setFaults(faults: { latencyMs?: number; failureRate?: number }): void;
  reset(): void;
  close(): Promise<void>;
}

export const FIXTURE_API_KEY = 'fixture-key';
export const ETAG = '"article-v1"';
export const LAST_MODIFIED = 'Wed, 01 May 2024 10:00:00 GMT';

export const ARTICLE_SENTENCES = [
  'Tidal stream turbines convert the kinetic energy of moving seawater into electricity.',
  'Unlike wind, the tides are predictable decades in advance, which makes grid planning far simpler.',
  'The Pentland Firth between Orkney and mainland Scotland has some of the fastest tidal currents in Europe.',
  'Early arrays there used four turbines of 1.5 megawatts each, anchored to the seabed by gravity bases.',
  'Corrosion, biofouling and the cost of marine operations remain the main obstacles to cheaper power.',
  'Engineers now favour floating platforms that can be towed to port for maintenance instead of using divers.',
  'A 2023 review put the practical tidal stream resource of the United Kingdom at around 34 terawatt hours a year.',
  'Because the flow reverses four times a day, output is variable but never a surprise to the grid operator.',
];
export const NEAR_DUPLICATE_SENTENCE = 'Storage batteries on shore smooth the output between the four daily slack tides.';
export const AD_TEXT = 'BUY CHEAP SOLAR PANELS TODAY';

export function articleHtml(sentences: readonly string[] = ARTICLE_SENTENCES): string {
  const paragraphs: string[] = [];
  for (let i = 0; i < sentences.length; i += 2) paragraphs.push(`<p>${sentences.slice(i, i + 2).join(' ')}</p>`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tidal stream power | Ocean Energy Weekly</title>
<style>.ad{color:red}</style><script>window.tracker = { id: 'UA-NOISE-1' };</script></head><body>
<nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/subscribe">Subscribe now and save 50%</a></li></ul></nav>
<div class="ad banner">${AD_TEXT} — LIMITED OFFER — CLICK HERE</div>
<div id="gdpr-consent" class="cookie-banner">We use cookies to improve your experience. Accept all cookies?</div>
<main><article><h1>Tidal stream power comes of age</h1><p class="byline">By A. Reporter</p>
${paragraphs.join('\n')}
</article></main>
<aside class="sidebar"><h3>Trending</h3><ul><li><a href="/x">Ten gadgets you need</a></li><li><a href="/y">Celebrity yachts</a></li></ul></aside>
<footer><p>© 2024 Ocean Energy Weekly. All rights reserved. Privacy policy. Terms of use.</p></footer></body></html>`;
}

const NPM = [
  [
    'tiny-queue',
    '2.3.1',
    'A tiny FIFO queue with O(1) push and shift',
    ['queue', 'fifo'],
    'git+https://github.com/example/tiny-queue.git',
    '# tiny-queue\n\nA queue that never copies its backing array.\n\n## Usage\n\nconst q = new Queue();',
    'MIT',
  ],
  [
    '@cogo/graph-utils',
    '0.4.0',
    'Graph traversal helpers for knowledge graphs',
    ['graph', 'bfs', 'queue'],
    'https://github.com/example/graph-utils',
    '# graph-utils\n\nBreadth-first search built on a queue.',
    'Apache-2.0',
  ],
  ['left-pad-ng', '1.0.0', 'Pads strings on the left', ['string'], 'git://github.com/example/left-pad-ng.git', '', 'ISC'],
] as const;
export const NPM_PACKAGES = NPM.map(([name, version, description, keywords, repo, readme, license]) => ({
  name,
  version,
  description,
  keywords: [...keywords],
  repository: { type: 'git', url: repo },
  readme,
  license,
}));
const API_ITEMS = [
  { id: 1, name: 'Tidal power primer', description: 'How tidal stream turbines work', body: 'Tides are predictable.' },
  { id: 2, name: 'Wave energy notes', description: 'Point absorbers and attenuators', body: 'Waves are not.' },
];

export async function startFixtureWeb(options: FixtureWebOptions = {}): Promise<FixtureWeb> {
  const counts = new Map<string, number>();
  let faults = { latencyMs: options.latencyMs ?? 0, failureRate: options.failureRate ?? 0 };
  const secretRequests: FixtureWeb['secretRequests'] = [];
  const secret = http.createServer((req, res) => {
    secretRequests.push({ ...req.headers });
    send(res, 200, 'text/plain', 'INTERNAL-ONLY SECRET');
  });
  const secretUrl = await listen(secret);
  let base = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const hit = (counts.get(url.pathname) ?? 0) + 1;
    counts.set(url.pathname, hit);
    const run = () => route(req, res, url, hit).catch((error: Error) => send(res, 500, 'text/plain', error.message));
    if (url.pathname === '/robots.txt') return void run();
    setTimeout(() => {
      if (Math.random() < faults.failureRate) return send(res, 503, 'text/plain', 'injected failure');
      void run();
    }, faults.latencyMs);
  });
  base = await listen(server);

  async function route(req: IncomingMessage, res: ServerResponse, url: URL, hit: number): Promise<void> {
    const path = url.pathname;
    const q = (name: string) => url.searchParams.get(name);
    let m: RegExpExecArray | null;
    if (path === '/robots.txt') return send(res, 200, 'text/plain', 'User-agent: *\nDisallow: /private/\n');
    if (path === '/article' || path === '/article-copy' || path.startsWith('/private/')) return send(res, 200, 'text/html; charset=utf-8', articleHtml());
    if (path === '/article-near') {
      const sentences = [...ARTICLE_SENTENCES];
      sentences[4] = NEAR_DUPLICATE_SENTENCE;
      return send(res, 200, 'text/html; charset=utf-8', articleHtml(sentences));
    }
    if (path === '/etag/article') {
      const since = Date.parse(String(req.headers['if-modified-since'] ?? ''));
      const fresh = req.headers['if-none-match'] === ETAG || (!req.headers['if-none-match'] && since >= Date.parse(LAST_MODIFIED));
      res.setHeader('etag', ETAG);
      res.setHeader('last-modified', LAST_MODIFIED);
      if (fresh) return void res.writeHead(304).end();
      return send(res, 200, 'text/html; charset=utf-8', articleHtml());
    }
    if ((m = /^\/redirect\/chain\/(\d+)$/.exec(path))) {
      const n = Number(m[1]);
      return redirect(res, n > 0 ? `/redirect/chain/${n - 1}` : '/article');
    }
    if (path === '/redirect/loopback' || path === '/api/redirect-away') return redirect(res, `${secretUrl}/internal`);
    if (path === '/redirect/metadata') return redirect(res, 'http://169.254.169.254/latest/meta-data/');
    if (path === '/redirect/file') return redirect(res, 'file:///etc/passwd');
    if (path === '/slow') {
      await new Promise((resolve) => setTimeout(resolve, Number(q('ms') ?? options.slowMs ?? 2000)));
      return send(res, 200, 'text/plain', 'finally');
    }
    if ((m = /^\/status\/(\d{3})\/[\w-]+$/.exec(path))) {
      if (hit > Number(q('fail') ?? Infinity)) return send(res, 200, 'text/plain', `recovered after ${hit - 1} failures`);
      if (q('retryAfter')) res.setHeader('retry-after', q('retryAfter') ?? '');
      return send(res, Number(m[1]), 'text/plain', `failure ${hit}`);
    }
    if (path === '/huge') return streamHuge(res, q('declared') === '1');
    if (path === '/text.txt') return send(res, 200, 'text/plain; charset=utf-8', 'Plain notes.\nSecond line.');
    if (path === '/data.json') return send(res, 200, 'application/json', JSON.stringify({ answer: 42 }));
    if (path === '/binary.pdf') return send(res, 200, 'application/pdf', '%PDF-1.4 fake');
    if (path === '/npm/-/v1/search') {
      const text = (q('text') ?? '').toLowerCase();
      const found = NPM_PACKAGES.filter((p) => [p.name, p.description, ...p.keywords].join(' ').toLowerCase().includes(text));
      const objects = found.slice(0, Number(q('size') ?? 20)).map((p) => ({
        package: { name: p.name, version: p.version, description: p.description, keywords: p.keywords, links: { repository: p.repository.url } },
        score: { final: 0.5 },
        searchScore: 1,
      }));
      return json(res, 200, { objects, total: found.length, time: new Date().toUTCString() });
    }
    if (path.startsWith('/npm/')) {
      const pkg = NPM_PACKAGES.find((p) => p.name === decodeURIComponent(path.slice('/npm/'.length)));
      if (!pkg) return json(res, 404, { error: 'Not found' });
      const { version, ...rest } = pkg;
      return json(res, 200, { _id: pkg.name, ...rest, 'dist-tags': { latest: version }, versions: { [version]: { name: pkg.name, version } } });
    }
    if (path.startsWith('/api/') && req.headers['x-api-key'] !== FIXTURE_API_KEY) return json(res, 401, { error: 'missing or wrong x-api-key' });
    if (path === '/api/search') {
      const term = (q('q') ?? '').toLowerCase();
      const results = API_ITEMS.filter((i) => `${i.name} ${i.description}`.toLowerCase().includes(term));
      return json(res, 200, { results: results.map((i) => ({ id: i.id, name: i.name, description: i.description, links: { self: `/api/items/${i.id}` } })) });
    }
    if ((m = /^\/api\/items\/(\d+)$/.exec(path))) {
      const item = API_ITEMS.find((i) => i.id === Number(m?.[1]));
      return item ? json(res, 200, item) : json(res, 404, { error: 'no such item' });
    }
    send(res, 404, 'text/plain', 'not found');
  }

  return {
    url: base,
    port: Number(new URL(base).port),
    secretUrl,
    secretRequests,
    hits: (path) => counts.get(path) ?? 0,
    totalHits: () => [...counts.values()].reduce((a, b) => a + b, 0),
    setFaults: (next) => void (faults = { ...faults, ...next }),
    reset: () => {
      counts.clear();
      secretRequests.length = 0;
    },
    close: async () => {
      await Promise.all([stop(server), stop(secret)]);
    },
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) }).end(body);
}
const json = (res: ServerResponse, status: number, body: unknown) => send(res, status, 'application/json', JSON.stringify(body));
const redirect = (res: ServerResponse, location: string) => void res.writeHead(302, { location }).end();

/** 10 MB in 64 KiB chunks, honoring backpressure; stops as soon as the client goes away. */
function streamHuge(res: ServerResponse, declared: boolean): void {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const total = 10 * 1024 * 1024;
  res.writeHead(200, { 'content-type': 'text/plain', ...(declared ? { 'content-length': total } : {}) });
  let sent = 0;
  const pump = () => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  res.on('close', () => (sent = total));
  pump();
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function stop(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
