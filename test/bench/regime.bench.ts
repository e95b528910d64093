// `npm run bench -- regime`: our fit time on every case of the reference fixtures
// (../shared/fixtures/jumpmodels) beside the reference's (`traced_fit_seconds` and the timings.md
// median), the ratio, and the accuracy (objective relative difference, label agreement, SJM weight
// distance). One thread, median of 5 runs after one warm-up run. Plain script, prints figures.
import { DATASETS, FIXTURE_DIR, haveFixtures, loadDataset, referenceMedianSeconds, usesRet, caseK, caseInit, type LoadedDataset, type RefCase } from '../unit/regime/fixtures.ts';
import { fitJumpModel, fitContinuousJumpModel, fitSparseJumpModel, type JumpModelResult, type SparseJumpModelResult } from '../../src/core/regime/index.ts';
import { computeFactorFeatures, fitPreprocessor, applyPreprocessor } from '../../src/core/features/index.ts';
import { haveMarket, loadFactor, MARKET_DIR } from '../unit/features/market.ts';

if (!haveFixtures) {
  console.log(`regime bench skipped: reference fixtures not found at ${FIXTURE_DIR}`);
  process.exit(0);
}

function fitCase(ds: LoadedDataset, c: RefCase, seed = 0): JumpModelResult {
  const { X, T, D } = ds.train;
  const base = { k: caseK(c), nInit: caseInit(c), seed, jumpPenalty: Number(c.params.jump_penalty), ...(usesRet(c) ? { ret: ds.retTrain } : {}) };
  if (c.model === 'JM') return fitJumpModel(X, T, D, base);
  if (c.model === 'CJM') return fitContinuousJumpModel(X, T, D, { ...base, gridSize: Number(c.params.grid_size) });
  return fitSparseJumpModel(X, T, D, { ...base, maxFeatures: Number(c.params.max_feats) });
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
const filter = process.argv[2];
const medians = referenceMedianSeconds();
const rows: string[] = [];
rows.push('| case | model | T×D | ours (ms) | ref traced (s) | ref median (s) | ratio (traced) | ratio (median) | objective rel. diff | labels equal | SJM ‖w−w_ref‖₁ |');
rows.push('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
let worstSjm = Infinity;
for (const name of DATASETS) {
  const ds = loadDataset(name);
  for (const c of ds.cases) {
    if (filter && !c.case_id.includes(filter)) continue;
    let res = fitCase(ds, c); // warm-up, also the accuracy run
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      res = fitCase(ds, c);
      times.push(performance.now() - t0);
    }
    const ms = median(times);
    const refMed = medians.get(c.case_id) ?? NaN;
    const ratio = (refMed * 1000) / ms;
    const ratioTraced = (c.traced_fit_seconds * 1000) / ms;
    if (c.model === 'SJM') worstSjm = Math.min(worstSjm, ratio, ratioTraced);
    const rel = (res.objective - c.val) / Math.abs(c.val);
    let eq = 0;
    for (let t = 0; t < ds.train.T; t++) if (res.labels[t] === c.labels_fit[t]) eq++;
    let wd = '';
    if (c.model === 'SJM') {
      const w = (res as SparseJumpModelResult).w;
      let s = 0;
      for (let d = 0; d < w.length; d++) s += Math.abs(w[d]! - c.w![d]!);
      wd = s.toExponential(1);
    }
    rows.push(`| ${c.case_id} | ${c.model} | ${ds.train.T}×${ds.train.D} | ${ms.toFixed(1)} | ${c.traced_fit_seconds.toFixed(3)} | ${refMed.toFixed(3)} | ${ratioTraced.toFixed(0)}× | ${ratio.toFixed(0)}× | ${rel.toExponential(1)} | ${((100 * eq) / ds.train.T).toFixed(1)}% | ${wd} |`);
  }
}
console.log(`Regime engine vs jumpmodels 0.1.1 (node ${process.version}, seed 0, nInit 10, median of 5 runs)\n`);
console.log(rows.join('\n'));
if (Number.isFinite(worstSjm)) console.log(`\nslowest SJM speed-up (either reference time): ${worstSjm.toFixed(0)}× (goal: >= 50×)`);

// A realistic refit of the backtest: 12 years of one factor's 17 features (real data, when present).
if (!filter || filter === 'real') {
  if (!haveMarket) console.log(`\nrealistic refits skipped: ${MARKET_DIR} not found`);
  else {
    console.log('\nRealistic SJM refits (12 years × 17 features of a factor ETF vs SPY, seed 0, median of 5 runs)\n');
    console.log('| factor | T×D | λ | κ² | ours (ms) | outer iterations |');
    console.log('|---|---|---:|---:|---:|---:|');
    for (const tk of ['MTUM', 'QUAL', 'USMV']) {
      const inp = loadFactor(tk);
      const f = computeFactorFeatures(inp);
      const start = f.firstValid, end = Math.min(f.T, start + 12 * 252), T = end - start;
      const X = applyPreprocessor(fitPreprocessor(f.X, f.D, start, end), f.X, f.D, start, end);
      const ret = inp.active.slice(start, end);
      for (const [lam, k2] of [[10, 8], [50, 4], [200, 3]] as const) {
        let r = fitSparseJumpModel(X, T, f.D, { jumpPenalty: lam, maxFeatures: k2, ret });
        const times: number[] = [];
        for (let i = 0; i < 5; i++) { const t0 = performance.now(); r = fitSparseJumpModel(X, T, f.D, { jumpPenalty: lam, maxFeatures: k2, ret }); times.push(performance.now() - t0); }
        console.log(`| ${tk} | ${T}×${f.D} | ${lam} | ${k2} | ${median(times).toFixed(1)} | ${r.nOuterIter} |`);
      }
    }
  }
}
