import { describe, expect, it } from 'vitest';
import { createDocRenderer, docsPage, headingSlug } from '../../src/server/docs-render.js';

const render = createDocRenderer(new Set(['runbook.md', 'api.md']));

describe('docs rendering', () => {
  it('shows raw HTML in a guide as text and refuses script URLs', () => {
    const html = render('# T\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) and `<b>`');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('<code>&#60;b&#62;</code>');
  });

  it('links guides to their pages however they are named, and leaves other links alone', () => {
    const html = render(
      ['[a](runbook.md)', '[b](docs/runbook.md#traces)', '[c](../docs/api.md)', '[d](./api.md)', '[e](README.md)', '[f](https://example.org/x.md)'].join(' '),
    );
    expect([...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1])).toEqual([
      '/docs/runbook.md',
      '/docs/runbook.md#traces',
      '/docs/api.md',
      '/docs/api.md',
      'README.md',
      'https://example.org/x.md',
    ]);
  });

  it('turns a `docs/x.md` code span into a link only when x.md is a guide', () => {
    expect(render('see `docs/runbook.md` and `docs/missing.md`')).toBe(
      '<p>see <a href="/docs/runbook.md"><code>docs/runbook.md</code></a> and <code>docs/missing.md</code></p>\n',
    );
  });

  it('gives headings GitHub-style anchors', () => {
    expect(render('## Long jobs, crashes and recovery')).toBe('<h2 id="long-jobs-crashes-and-recovery">Long jobs, crashes and recovery</h2>\n');
    expect(headingSlug('Dashboard and tracing (`dashboard`, issue 15)')).toBe('dashboard-and-tracing-dashboard-issue-15');
  });

  it('escapes the page title', () => {
    expect(docsPage('<x>', '<p>y</p>')).toContain('<title>&#60;x&#62; · COGO docs</title>');
  });
});
