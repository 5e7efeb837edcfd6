import { AppError } from '../../src/errors.js';
import { FIGMA_POLICY } from '../../src/designs/figma-source.js';
import { errorFromStatus } from '../../src/net/http-errors.js';
import { createSafeHttpClient, type SafeHttpOptions } from '../sources/safe-http.js';

export interface FigmaFetch {
  /** What figma-source's `checkFigmaUrl` returned: a figma.com link already turned into the REST URL. */
  url: URL;
  fileKey: string;
  /** COGO_FIGMA_TOKEN: sent as `X-Figma-Token`, dropped on a redirect to another origin, never stored. */
  token: string | undefined;
  allowHosts: readonly string[];
  timeoutMs: number;
  maxBytes: number;
  signal: AbortSignal;
  /** Tests pin a name to an address; production resolves through the system. */
  resolve?: SafeHttpOptions['resolve'];
}

/** One download per job: the job's own timeout and retries pace it, not a rate limiter. */
const UNLIMITED = { acquire: async () => undefined };

/**
 * Downloads a Figma file response (`GET /v1/files/:key`) through the research fetch rules: every hop and every
 * connected address past the SSRF guard, a byte cap while streaming, one deadline. HTTP refusals become the
 * shared AppErrors (src/net/http-errors.ts), a refused token with what to do about it.
 */
export async function fetchDesignFile(request: FigmaFetch): Promise<Buffer> {
  const client = createSafeHttpClient({
    via: 'figma',
    policy: FIGMA_POLICY,
    allowHosts: request.allowHosts,
    timeoutMs: request.timeoutMs,
    maxBytes: request.maxBytes,
    maxRedirects: 3,
    userAgent: 'COGO-figma/0.1',
    resolve: request.resolve,
  });
  try {
    const response = await client.get(request.url.href, {
      signal: request.signal,
      limiter: UNLIMITED,
      headers: { accept: 'application/json', ...(request.token ? { 'x-figma-token': request.token } : {}) },
      secretHeaders: ['x-figma-token'],
    });
    if (response.status === 200) return response.body;
    const error = errorFromStatus(response.status, { url: response.url, via: 'figma', retryAfter: response.headers['retry-after'] });
    if (error.code !== 'FORBIDDEN') throw error;
    const token = request.token ? 'the token in COGO_FIGMA_TOKEN was refused' : 'COGO_FIGMA_TOKEN is not set';
    throw new AppError(
      'FORBIDDEN',
      `${error.message}: ${token}; set it to a Figma personal access token (scope file_content:read) of an account that can open file ${request.fileKey}`,
      { via: 'figma', retryable: false, details: error.details },
    );
  } finally {
    await client.close();
  }
}
