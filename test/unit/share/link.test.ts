// Share links (src/share/link.ts): round trips, the v1 fixture that must keep opening,
// and every kind of broken or hostile link, which must give a friendly message and never throw.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { deflateSync } from 'fflate';
import {
  decodeShareLink, encodeShareLink, shareUrl, isShareHash, toBase64Url, fromBase64Url, jsonDepth,
  MAX_ENCODED_CHARS, MAX_INFLATED_BYTES, MAX_JSON_DEPTH, type DecodedLink,
} from '../../../src/share/link.ts';
import { defaultConfig, serializeConfig, validateConfig, type RunConfig } from '../../../src/core/config.ts';
import { V1_LINK, V1_CONFIG_JSON } from './fixtures.ts';

const DEMO_REF = {
  id: 'defc761f72793383220abc80976b289d9f0636c0c9b1d328e5e583e7e6645f98', name: 'Demo (simulated)',
  hash: 'defc761f72793383220abc80976b289d9f0636c0c9b1d328e5e583e7e6645f98', firstDate: '2004-01-02', lastDate: '2025-12-31',
};

/** A link whose payload is `text` deflated (as the encoder does, but with any text). */
function linkOfText(text: string, version = 1): string {
  return `#run=v${version}.${toBase64Url(deflateSync(new TextEncoder().encode(text)))}`;
}

function failure(r: DecodedLink): Extract<DecodedLink, { ok: false }> {
  if (r.ok) throw new Error('expected the link to be refused');
  return r;
}

describe('base64url', () => {
  it('round-trips any bytes and matches node Buffer base64url', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const s = toBase64Url(bytes);
      expect(s).toBe(Buffer.from(bytes).toString('base64url'));
      expect(Array.from(fromBase64Url(s)!)).toEqual(Array.from(bytes));
    }));
  });

  it('refuses characters outside the alphabet and impossible lengths', () => {
    expect(fromBase64Url('ab+c')).toBeNull();
    expect(fromBase64Url('ab/c')).toBeNull();
    expect(fromBase64Url('abcde')).toBeNull(); // 5 ≡ 1 (mod 4) can encode no whole byte count
    expect(fromBase64Url('é')).toBeNull();
    expect(Array.from(fromBase64Url('AQI=')!)).toEqual([1, 2]); // padding tolerated
  });
});

describe('encode / decode', () => {
  it('the default configuration round-trips and the link is short', () => {
    const c: RunConfig = { ...defaultConfig(), dataset: DEMO_REF };
    const hash = `#${encodeShareLink(c)}`;
    expect(hash.startsWith('#run=v1.')).toBe(true);
    expect(hash.length).toBeLessThan(1000);
    const r = decodeShareLink(hash);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.version).toBe(1);
      expect(serializeConfig(r.config)).toBe(serializeConfig(c));
    }
    // Without the '#', and among other hash parameters, too.
    expect(decodeShareLink(hash.slice(1)).ok).toBe(true);
    expect(decodeShareLink(`#x=1&${hash.slice(1)}`).ok).toBe(true);
  });

  it('any valid configuration round-trips exactly (property)', () => {
    const arb = fc.record({
      jumpPenalty: fc.double({ min: 0, max: 100_000, noNaN: true }),
      maxFeatures: fc.double({ min: 1, max: 14, noNaN: true }),
      te: fc.double({ min: 0.01, max: 0.04, noNaN: true }),
      seed: fc.integer({ min: 0, max: 4294967295 }),
      cost: fc.double({ min: 0, max: 200, noNaN: true }),
      asym: fc.boolean(),
      env: fc.boolean(),
      name: fc.string({ maxLength: 60 }),
      lambdaQual: fc.option(fc.double({ min: 0, max: 1000, noNaN: true }), { nil: undefined }),
      refit: fc.constantFrom('monthly', 'quarterly') as fc.Arbitrary<'monthly' | 'quarterly'>,
    });
    fc.assert(fc.property(arb, (a) => {
      const c = defaultConfig();
      c.dataset = { ...DEMO_REF, name: a.name || 'x' };
      c.model.jumpPenalty = a.jumpPenalty;
      c.model.maxFeatures = a.maxFeatures;
      c.model.seed = a.seed;
      c.trackingErrorTarget = a.te;
      c.costBps = a.cost;
      c.strategies.asymmetric = a.asym;
      c.useEnvironment = a.env;
      c.refitFrequency = a.refit;
      if (a.lambdaQual !== undefined) c.factors[0]!.jumpPenalty = a.lambdaQual;
      const v = validateConfig(c);
      fc.pre(v.ok);
      const r = decodeShareLink(new URL(shareUrl(c, 'https://example.org/helix/?x=1#old')).hash);
      expect(r.ok).toBe(true);
      if (r.ok) expect(serializeConfig(r.config)).toBe(serializeConfig(c));
    }), { numRuns: 200 });
  });

  it('shareUrl keeps the page address (any sub-path) and replaces its hash', () => {
    const c = defaultConfig();
    const u = shareUrl(c, 'https://host.example/some/sub/path/index.html?q=1#run=v1.old');
    expect(u.startsWith('https://host.example/some/sub/path/index.html?q=1#run=v1.')).toBe(true);
    expect(u.split('#')).toHaveLength(2);
  });

  it('isShareHash tells a link (good or bad) from other hashes', () => {
    expect(isShareHash('#run=v1.abc')).toBe(true);
    expect(isShareHash('#run=')).toBe(true);
    expect(isShareHash('')).toBe(false);
    expect(isShareHash('#section-2')).toBe(false);
    expect(isShareHash(42)).toBe(false);
    // However long: a 68 KB link was once ignored without a word while a 20 KB one got its message.
    for (const n of [20_000, 68_000, 1_000_000]) {
      const hash = `#run=v1.${'A'.repeat(n)}`;
      expect(isShareHash(hash)).toBe(true);
      const d = decodeShareLink(hash);
      expect(d.ok).toBe(false);
      if (!d.ok) { expect(d.problem).toBe('too-large'); expect(d.message).toMatch(/characters long, far more than any run configuration needs/); }
    }
  });
});

describe('old links keep loading', () => {
  it('the v1 fixture link decodes to its configuration', () => {
    const r = decodeShareLink(V1_LINK);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.version).toBe(1);
    // Every setting the link carried is there with its value (settings added later take defaults).
    expect(r.config).toMatchObject(JSON.parse(V1_CONFIG_JSON) as object);
    expect(r.config.dataset?.hash).toBe(DEMO_REF.hash);
    expect(r.config.factors[3]!.schedule).toEqual([{ from: '2015-01-02', jumpPenalty: 20 }, { from: '2019-01-02', jumpPenalty: 60, maxFeatures: 6 }]);
    // Written before the turnover controls existed: they take their defaults (off).
    expect([r.config.rebalance, r.config.noTradeBand, r.config.tradePenalty]).toEqual(['daily', 0, 0]);
  });

  it('a link carries the turnover controls (method.md §12)', () => {
    const c = { ...defaultConfig(), dataset: DEMO_REF, rebalance: 'monthly' as const, noTradeBand: 0.02, tradePenalty: 0.005 };
    const r = decodeShareLink(`#${encodeShareLink(c)}`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect([r.config.rebalance, r.config.noTradeBand, r.config.tradePenalty]).toEqual(['monthly', 0.02, 0.005]);
    expect(r.config).toEqual(c);
  });
});

describe('broken and hostile links get a friendly message, never a throw', () => {
  const cases: [string, unknown, string][] = [
    ['not a string', { hash: 1 }, 'not-a-link'],
    ['no run= part', '#hello', 'not-a-link'],
    ['no version', '#run=abc', 'unknown-version'],
    ['unknown future version', '#run=v9.abc', 'unknown-version'],
    ['version 0', '#run=v0.abc', 'unknown-version'],
    ['bad base64', '#run=v1.***not base64***', 'bad-encoding'],
    ['empty payload', '#run=v1.', 'bad-encoding'],
    ['not deflate', `#run=v1.${toBase64Url(new TextEncoder().encode('hello, this is not deflate at all'))}`, 'bad-compression'],
    ['cut-off deflate', `#run=v1.${toBase64Url(deflateSync(new TextEncoder().encode(JSON.stringify(defaultConfig()))).subarray(0, 40))}`, 'bad-compression'],
    ['huge hash', `#run=v1.${'A'.repeat(MAX_ENCODED_CHARS + 1)}`, 'too-large'],
    ['enormous hash', `#${'x'.repeat(5 * MAX_ENCODED_CHARS)}`, 'too-large'],
    ['deflate bomb', `#run=v1.${toBase64Url(deflateSync(new Uint8Array(12_000_000), { level: 9 }))}`, 'too-large-inflated'],
    ['not UTF-8', `#run=v1.${toBase64Url(deflateSync(new Uint8Array([0xff, 0xfe, 0x80, 0x81])))}`, 'bad-text'],
    ['not JSON', linkOfText('{version: 1'), 'bad-json'],
    ['JSON null', linkOfText('null'), 'invalid-config'],
    ['JSON array', linkOfText('[1,2,3]'), 'invalid-config'],
    ['JSON number', linkOfText('42'), 'invalid-config'],
    ['wrong types', linkOfText(JSON.stringify({ ...defaultConfig(), trackingErrorTarget: '0.02', model: { ...defaultConfig().model, k: 'two' } })), 'invalid-config'],
    ['out of range', linkOfText(JSON.stringify({ ...defaultConfig(), trackingErrorTarget: 5 })), 'invalid-config'],
    ['__proto__ key', linkOfText('{"version":1,"__proto__":{"polluted":true}}'), 'invalid-config'],
    ['nested __proto__', linkOfText('{"version":1,"model":{"__proto__":{"polluted":true}}}'), 'invalid-config'],
    ['constructor key', linkOfText('{"version":1,"constructor":{"prototype":{"polluted":true}}}'), 'invalid-config'],
    ['prototype key in a factor', linkOfText('{"version":1,"factors":[{"ticker":"QUAL","prototype":1}]}'), 'invalid-config'],
    ['deep nesting', linkOfText(`${'['.repeat(10_000)}${']'.repeat(10_000)}`), 'too-deep'],
    ['deep objects', linkOfText(`${'{"a":'.repeat(MAX_JSON_DEPTH + 5)}1${'}'.repeat(MAX_JSON_DEPTH + 5)}`), 'too-deep'],
    ['too many factors', linkOfText(JSON.stringify({ version: 1, factors: Array.from({ length: 5000 }, (_, i) => ({ ticker: `F${i}` })) })), 'invalid-config'],
    ['config version 2', linkOfText(JSON.stringify({ ...defaultConfig(), version: 2 })), 'invalid-config'],
  ];

  it.each(cases)('%s', (_name, input, problem) => {
    const r = failure(decodeShareLink(input));
    expect(r.problem).toBe(problem);
    // A message for people: a sentence, and what to do.
    expect(r.message.length).toBeGreaterThan(20);
    expect(r.message).toMatch(/[.!)]$/);
  });

  it('nothing is polluted by __proto__ / constructor payloads', () => {
    for (const text of [
      '{"version":1,"__proto__":{"polluted":true}}',
      '{"version":1,"model":{"__proto__":{"polluted":true}},"__proto__":{"polluted":true}}',
      '{"version":1,"constructor":{"prototype":{"polluted":true}}}',
    ]) decodeShareLink(linkOfText(text));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a bomb just under the encoded-size cap is refused while inflating', () => {
    const hash = `#run=v1.${toBase64Url(deflateSync(new Uint8Array(12_000_000), { level: 9 }))}`;
    expect(hash.length).toBeLessThan(MAX_ENCODED_CHARS);
    expect(failure(decodeShareLink(hash)).problem).toBe('too-large-inflated');
  });

  it('the size caps are what the docs say', () => {
    expect(MAX_ENCODED_CHARS).toBe(16 * 1024);
    expect(MAX_INFLATED_BYTES).toBe(256 * 1024);
    // A payload just under the inflate cap is still read (and then refused only as a configuration).
    const padded = JSON.stringify({ version: 1, dataset: { ...DEMO_REF, name: 'x' } }) + ' '.repeat(MAX_INFLATED_BYTES - 400);
    expect(decodeShareLink(linkOfText(padded)).ok).toBe(true);
    const over = ' '.repeat(MAX_INFLATED_BYTES + 1);
    expect(failure(decodeShareLink(linkOfText(over))).problem).toBe('too-large-inflated');
  });

  it('jsonDepth ignores brackets inside strings', () => {
    expect(jsonDepth('{"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')).toBe(1);
    expect(jsonDepth('{"a":"\\"[[[","b":[[1]]}')).toBe(3);
    expect(jsonDepth('[]')).toBe(1);
  });
});

describe('fuzz: decodeShareLink never throws', () => {
  const check = (input: unknown) => {
    const r = decodeShareLink(input);
    expect(typeof r.ok).toBe('boolean');
    if (r.ok) expect(validateConfig(r.config).ok).toBe(true);
    else expect(typeof r.message).toBe('string');
  };

  it('on any string', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => { check(s); check(`#run=${s}`); check(`#run=v1.${s}`); }), { numRuns: 1000 });
  });

  it('on any bytes as a v1 payload', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => { check(`#run=v1.${toBase64Url(b)}`); }), { numRuns: 1000 });
  });

  it('on any JSON value as a v1 payload', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => { check(linkOfText(JSON.stringify(v))); }), { numRuns: 500 });
  });

  it('on a valid link with characters changed, cut or added', () => {
    const good = `#${encodeShareLink({ ...defaultConfig(), dataset: DEMO_REF })}`;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=.%#&';
    fc.assert(fc.property(
      fc.array(fc.record({ at: fc.nat(good.length - 1), ch: fc.constantFrom(...alphabet.split('')) }), { minLength: 1, maxLength: 5 }),
      fc.nat(good.length),
      (edits, cut) => {
        const chars = good.split('');
        for (const e of edits) chars[e.at] = e.ch;
        check(chars.join(''));
        check(good.slice(0, cut));
      },
    ), { numRuns: 1000 });
  });

  it('on arbitrary values that are not strings', () => {
    fc.assert(fc.property(fc.anything(), (v) => { check(v); }), { numRuns: 300 });
  });
});
