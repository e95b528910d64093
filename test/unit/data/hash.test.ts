// Content hashes: SHA-256 against its published test vectors (FIPS 180-2 examples), and the panel
// hash's normalisation (series order and roles do not matter; dates, tickers, kinds and values do).
import { describe, it, expect } from 'vitest';
import { sha256Hex, panelHash, serialisePanel } from '../../../src/core/hash.ts';
import type { Panel } from '../../../src/core/data/panel.ts';

const enc = (s: string) => new TextEncoder().encode(s);

describe('sha256Hex', () => {
  it('FIPS 180-2 vectors', async () => {
    expect(await sha256Hex(enc('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256Hex(enc(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(await sha256Hex(enc('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });
  it('hashes a view of a larger buffer by its own bytes only', async () => {
    const big = enc('xxabcyy');
    expect(await sha256Hex(big.subarray(2, 5))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('panelHash', () => {
  const base = (): Panel => ({
    dates: ['2024-01-02', '2024-01-03'],
    series: [
      { ticker: 'SPY', role: 'market', kind: 'price', values: Float64Array.from([470.1, 468.79]) },
      { ticker: 'VIX', role: 'environment', kind: 'level', values: Float64Array.from([13.2, NaN]) },
    ],
  });
  it('is a 64-hex digest, independent of series order and roles', async () => {
    const h = await panelHash(base());
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    const p = base();
    p.series.reverse();
    p.series[0]!.role = 'unused';
    expect(await panelHash(p)).toBe(h);
  });
  it('changes with any value, date, ticker or kind', async () => {
    const h = await panelHash(base());
    const v = base(); v.series[0]!.values[1] = 468.7900000001;
    const d = base(); d.dates[1] = '2024-01-04';
    const t = base(); t.series[0]!.ticker = 'SPX';
    const k = base(); k.series[1]!.kind = 'price';
    for (const p of [v, d, t, k]) expect(await panelHash(p)).not.toBe(h);
  });
  it('NaN payloads and -0 are normalised', () => {
    const a = base(), b = base();
    const buf = new DataView(new ArrayBuffer(8));
    buf.setUint32(0, 0x7ff80001); buf.setUint32(4, 1); // a NaN with another payload
    b.series[1]!.values[1] = buf.getFloat64(0);
    a.series[0]!.values[0] = 0; b.series[0]!.values[0] = -0;
    expect(serialisePanel(b)).toEqual(serialisePanel(a));
  });
});
