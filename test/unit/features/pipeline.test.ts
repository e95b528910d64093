// End to end on real data (../shared/data/market): features of a factor ETF against SPY,
// preprocessing fitted on an 8-year training window, a sparse jump model, online labels after the
// window. Checks the pieces fit together the way the walk-forward backtest uses them (method.md §2-§6).
import { describe, it, expect } from 'vitest';
import { computeFactorFeatures, fitPreprocessor, applyPreprocessor } from '../../../src/core/features/index.ts';
import { fitSparseJumpModel, onlineLabels, regimeStats } from '../../../src/core/regime/index.ts';
import { MARKET_DIR, haveMarket, loadFactor } from './market.ts';

if (!haveMarket) console.log(`real-data pipeline test skipped: ${MARKET_DIR} not found`);

describe.skipIf(!haveMarket)('features → preprocessing → SJM on MTUM vs SPY', () => {
  it('fits, sorts, and labels later days online without look-ahead', () => {
    const inp = loadFactor('MTUM');
    const f = computeFactorFeatures(inp);
    expect(f.D).toBe(17);
    expect(f.firstValid).toBe(63); // first return on day 1, 63 returns by day 63
    const start = f.firstValid, end = start + 8 * 252;
    const pp = fitPreprocessor(f.X, f.D, start, end);
    const Xtr = applyPreprocessor(pp, f.X, f.D, start, end);
    const ret = inp.active.slice(start, end);
    const r = fitSparseJumpModel(Xtr, end - start, f.D, { jumpPenalty: 50, maxFeatures: 4, ret });
    expect(r.selectedFeatures.length).toBeGreaterThanOrEqual(1);
    let l1 = 0, l2 = 0;
    for (const w of r.w) { expect(w).toBeGreaterThanOrEqual(0); l1 += w; l2 += w * w; }
    expect(Math.sqrt(l2)).toBeCloseTo(1, 12);
    expect(l1).toBeLessThanOrEqual(2 * (1 + 1e-4));
    const st = regimeStats(r.labels, ret, 2);
    // sorted: state 0 earned the higher cumulative active return in-sample
    expect(st.mean[0]! * st.count[0]!).toBeGreaterThan(st.mean[1]! * st.count[1]!);
    // online labels from the training window's first row through 3 months later
    const later = end + 63;
    const Xall = applyPreprocessor(pp, f.X, f.D, start, later);
    const on = onlineLabels(Xall, later - start, f.D, r.fitted);
    const onShort = onlineLabels(Xall.subarray(0, (end - start + 10) * f.D), end - start + 10, f.D, r.fitted);
    expect(Array.from(on.subarray(0, end - start + 10))).toEqual(Array.from(onShort));
  });
});
