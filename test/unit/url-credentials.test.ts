import { describe, expect, it } from 'vitest';
import { redactUrlCredentials } from '../../src/url-credentials.js';

describe('redactUrlCredentials (issue 9)', () => {
  it("hides user and password, up to the authority's last @", () => {
    expect(redactUrlCredentials('https://alice:s3cret@docs.example.com/a?b=1')).toBe('https://[redacted]@docs.example.com/a?b=1');
    expect(redactUrlCredentials('https://alice:p@ss@docs.example.com/')).toBe('https://[redacted]@docs.example.com/');
    expect(redactUrlCredentials('ftp://token@host')).toBe('ftp://[redacted]@host');
  });

  it('leaves text without credentials as it is, including an @ in the path or query', () => {
    for (const text of ['https://docs.example.com/@scope/pkg', 'https://example.com/?mail=a@b.c', 'npm:@scope/pkg', 'graph', 'a question about user@host']) {
      expect(redactUrlCredentials(text)).toBe(text);
    }
  });
});
