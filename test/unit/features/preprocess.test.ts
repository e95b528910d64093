// Preprocessing of method.md §2: clip at mean ± 3 std (population), then standardise with the
// clipped training column's mean and std; fitted on training rows only.
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { fitPreprocessor, applyPreprocessor } from '../../../src/core/features/index.ts';
import { Rng } from '../../../src/core/random.ts';
import { FIXTURE_DIR, haveFixtures, readCsvMatrix } from '../regime/fixtures.ts';

if (!haveFixtures) console.log(`preprocessing reference test skipped: fixtures not found at ${FIXTURE_DIR}`);

describe.skipIf(!haveFixtures)('preprocessing vs the reference (jumpmodels DataClipperStd(3) + StandardScaler)', () => {
  it('ndx_features_raw_* reproduces ndx_X_* to 1e-12', () => {
    const d = (f: string) => join(FIXTURE_DIR, 'data', f);
    const rawTr = readCsvMatrix(d('ndx_features_raw_train.csv')), rawTe = readCsvMatrix(d('ndx_features_raw_test.csv'));
    const xTr = readCsvMatrix(d('ndx_X_train.csv')), xTe = readCsvMatrix(d('ndx_X_test.csv'));
    const pp = fitPreprocessor(rawTr.X, rawTr.D, 0, rawTr.T);
    for (const [raw, ref] of [[rawTr, xTr], [rawTe, xTe]] as const) {
      const out = applyPreprocessor(pp, raw.X, raw.D, 0, raw.T);
      expect(out.length).toBe(ref.X.length);
      for (let i = 0; i < out.length; i++) expect(Math.abs(out[i]! - ref.X[i]!)).toBeLessThanOrEqual(1e-12);
    }
  });
});

describe('preprocessing properties', () => {
  const rng = new Rng(5);
  const T = 400, D = 3;
  const X = new Float64Array(T * D);
  for (let t = 0; t < T; t++) { X[t * D] = rng.normal() ** 3; X[t * D + 1] = 5 + 2 * rng.normal(); X[t * D + 2] = 1.5; }

  it('fits on the training rows only and applies the same transform to later rows', () => {
    const pp = fitPreprocessor(X, D, 50, 300);
    const changed = Float64Array.from(X);
    for (let i = 300 * D; i < T * D; i++) changed[i] = 1000 * rng.normal();
    for (let i = 0; i < 50 * D; i++) changed[i] = -1000;
    const pp2 = fitPreprocessor(changed, D, 50, 300);
    expect(pp2).toEqual(pp);
    // a row is transformed the same whether alone or in a block
    const block = applyPreprocessor(pp, X, D, 300, 400);
    const one = applyPreprocessor(pp, X, D, 350, 351);
    expect(Array.from(one)).toEqual(Array.from(block.subarray(50 * D, 51 * D)));
  });

  it('training rows come out clipped at ±3 std and standardised (mean 0, population std 1)', () => {
    const pp = fitPreprocessor(X, D, 0, T);
    const Z = applyPreprocessor(pp, X, D, 0, T);
    for (let d = 0; d < 2; d++) {
      let m = 0, v = 0;
      for (let t = 0; t < T; t++) m += Z[t * D + d]!;
      m /= T;
      for (let t = 0; t < T; t++) v += (Z[t * D + d]! - m) ** 2;
      expect(Math.abs(m)).toBeLessThan(1e-12);
      expect(Math.abs(Math.sqrt(v / T) - 1)).toBeLessThan(1e-12);
    }
    // the heavy-tailed column hits its clip bounds; a constant column (std 0) maps to 0
    let clipped = 0;
    for (let t = 0; t < T; t++) if (X[t * D]! > pp.hi[0]! || X[t * D]! < pp.lo[0]!) clipped++;
    expect(clipped).toBeGreaterThan(0);
    for (let t = 0; t < T; t++) expect(Z[t * D + 2]).toBe(0);
  });

  it('refuses NaN training rows (warm-up rows must be left out)', () => {
    const Y = Float64Array.from(X); Y[10 * D + 1] = NaN;
    expect(() => fitPreprocessor(Y, D, 0, T)).toThrow(/row 10, column 1/);
  });
});
