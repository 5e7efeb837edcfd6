import { describe, expect, it } from 'vitest';
import { assertAddressAllowed, assertUrlAllowed, classifyAddress, parseAllowList } from '../../src/net/url-safety.js';

const none = parseAllowList([]);

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', 'unicast'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.10.10', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
  ])('classifies IPv4 %s as %s', (ip, range) => {
    const cls = classifyAddress(ip);
    expect(cls.range).toBe(range);
    expect(cls.isPublic).toBe(range === 'unicast');
  });

  it('treats addresses just outside the private blocks as public', () => {
    expect(classifyAddress('172.32.0.1').isPublic).toBe(true);
    expect(classifyAddress('100.128.0.1').isPublic).toBe(true);
    expect(classifyAddress('11.0.0.1').isPublic).toBe(true);
  });

  it.each([
    ['2606:4700::1111', 'unicast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fdab::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
  ])('classifies IPv6 %s as %s', (ip, range) => {
    expect(classifyAddress(ip).range).toBe(range);
    expect(classifyAddress(ip).isPublic).toBe(range === 'unicast');
  });

  it('judges IPv4 embedded in IPv6 (mapped, NAT64, 6to4) as the IPv4 host', () => {
    expect(classifyAddress('::ffff:127.0.0.1')).toMatchObject({ address: '127.0.0.1', range: 'loopback', isPublic: false });
    expect(classifyAddress('::ffff:a9fe:a9fe')).toMatchObject({ address: '169.254.169.254', isMetadata: true });
    expect(classifyAddress('64:ff9b::10.0.0.1')).toMatchObject({ range: 'private', isPublic: false });
    expect(classifyAddress('2002:c0a8:0101::1')).toMatchObject({ address: '192.168.1.1', isPublic: false });
    expect(classifyAddress('::ffff:8.8.8.8')).toMatchObject({ address: '8.8.8.8', isPublic: true });
  });

  it('marks cloud metadata endpoints', () => {
    expect(classifyAddress('169.254.169.254')).toMatchObject({ range: 'metadata', isMetadata: true, isPublic: false });
    expect(classifyAddress('fd00:ec2::254')).toMatchObject({ range: 'metadata', isMetadata: true });
  });

  it('accepts bracketed IPv6 and rejects non-addresses', () => {
    expect(classifyAddress('[::1]').range).toBe('loopback');
    expect(() => classifyAddress('example.com')).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});

describe('parseAllowList', () => {
  it('admits hostnames, wildcard subdomains, IPs, CIDRs and port-scoped entries', () => {
    const allow = parseAllowList(['localhost', '*.corp.example', '10.0.0.0/8', '127.0.0.1:8080', '[::1]:9000']);
    expect(allow.admitsHost('localhost', 1234)).toBe(true);
    expect(allow.admitsHost('docs.corp.example', 443)).toBe(true);
    expect(allow.admitsHost('corp.example', 443)).toBe(false);
    expect(allow.admitsAddress('10.9.8.7', 80)).toBe(true);
    expect(allow.admitsAddress('127.0.0.1', 8080)).toBe(true);
    expect(allow.admitsAddress('127.0.0.1', 6379)).toBe(false);
    expect(allow.admitsAddress('::1', 9000)).toBe(true);
    expect(allow.admitsAddress('::ffff:127.0.0.1', 8080)).toBe(true);
  });

  it('never lets a CIDR or hostname entry admit a metadata endpoint; an exact IP entry does', () => {
    const wide = parseAllowList(['169.254.0.0/16', 'metadata.internal']);
    expect(() => assertAddressAllowed('metadata.internal', 80, '169.254.169.254', wide)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(assertAddressAllowed('169.254.169.254', 80, '169.254.169.254', parseAllowList(['169.254.169.254']))).toBe('169.254.169.254');
  });

  it('refuses malformed entries with BAD_INPUT', () => {
    expect(() => parseAllowList(['not a host!'])).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => parseAllowList(['10.0.0.0/99'])).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => parseAllowList(['localhost:99999'])).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});

describe('assertUrlAllowed', () => {
  it('refuses non-http schemes and embedded credentials with BAD_INPUT', () => {
    for (const url of ['file:///etc/passwd', 'gopher://example.com/', 'ftp://example.com/x', 'https://user:pw@example.com/']) {
      expect(() => assertUrlAllowed(url, none), url).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    }
  });

  it('refuses private IP literals, however they are spelled, with FORBIDDEN naming the allow-list variable', () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://[::1]:8080/',
      'http://[::ffff:10.0.0.1]/',
      'http://169.254.169.254/latest',
    ]) {
      expect(() => assertUrlAllowed(url, none), url).toThrow(
        expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringContaining('COGO_RESEARCH_ALLOW_HOSTS') }),
      );
    }
  });

  it('passes public literals and leaves hostnames to the post-resolution check', () => {
    expect(assertUrlAllowed('https://93.184.215.14/x', none).hostname).toBe('93.184.215.14');
    expect(assertUrlAllowed('https://localhost/x', none).hostname).toBe('localhost');
  });

  it('admits an allow-listed private literal only on its port', () => {
    const allow = parseAllowList(['127.0.0.1:4000']);
    expect(assertUrlAllowed('http://127.0.0.1:4000/a', allow).port).toBe('4000');
    expect(() => assertUrlAllowed('http://127.0.0.1:6379/', allow)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });
});
