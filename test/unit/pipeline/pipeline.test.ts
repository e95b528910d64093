// The run pipeline: results named by their inputs (conventions.md), bit-identical for any worker
// count and cache state, and nothing computed twice.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoPanel } from '../../../src/core/data/demo.ts';
import type { Panel } from '../../../src/core/data/panel.ts';
import { defaultConfig, type RunConfig } from '../../../src/core/config.ts';
import { runBacktest, type BacktestResult } from '../../../src/core/backtest/index.ts';
import { panelHash } from '../../../src/core/hash.ts';
import { InlineExecutor, runPipeline, resultKey, type PipelineProgress } from '../../../src/core/pipeline/run.ts';
import { Engine } from '../../../src/core/pipeline/engine.ts';
import { FailSafeCache, LayeredCache, MemoryCache, type RegimeCache } from '../../../src/core/pipeline/cache.ts';
import { DirCache } from '../../../src/cli/dir-cache.ts';
import { NodeEngineExecutor } from '../../../src/cli/engine-pool.ts';

function smallConfig(): RunConfig {
  const c = defaultConfig();
  c.factors = [{ ticker: 'QUAL' }, { ticker: 'MTUM' }, { ticker: 'USMV' }];
  c.trainMinYears = 4; c.trainMaxYears = 6;
  c.model.nInit = 3;
  c.model.maxFeatures = 5;
  return c;
}

const panel = generateDemoPanel(7, { start: '2008-01-01', end: '2016-12-31' });
const content = (r: BacktestResult) => JSON.stringify({ ...r, runStats: null });

function cut(p: Panel, last: string): Panel {
  const n = p.dates.filter((d) => d <= last).length;
  return { dates: p.dates.slice(0, n), series: p.series.map((s) => ({ ...s, values: s.values.slice(0, n) })) };
}

describe('run pipeline', async () => {
  const key = await panelHash(panel);
  const config = smallConfig();
  const reference = runBacktest(panel, config);

  it('gives runBacktest\'s result bit for bit, and the second run computes no fit', async () => {
    const exec = new InlineExecutor(panel, key);
    const first = await runPipeline(config, { dataKey: key, executor: exec, panel });
    expect(content(first)).toBe(content(reference));
    expect(first.runStats.fitsComputed).toBe(reference.runStats.fitsComputed);
    expect(first.runStats.fitsFromCache).toBe(0);
    const again = await runPipeline(config, { dataKey: key, executor: exec, panel });
    expect(content(again)).toBe(content(reference));
    expect(again.runStats.fitsComputed).toBe(0);
    expect(again.runStats.fitsFromCache).toBe(reference.runStats.fitsComputed);
  });

  it('changing only allocation and execution settings refits nothing', async () => {
    const exec = new InlineExecutor(panel, key);
    await runPipeline(config, { dataKey: key, executor: exec, panel });
    const changed: RunConfig = { ...config, trackingErrorTarget: 0.03, tau: 0.1, riskAversion: 3, covarianceHalflife: 63, costBps: 10,
      benchmarkRebalance: 'monthly', riskFreeRate: 0.01, longShortScale: 0.1 };
    const r = await runPipeline(changed, { dataKey: key, executor: exec, panel });
    expect(r.runStats.fitsComputed).toBe(0);
    expect(content(r)).toBe(content(runBacktest(panel, changed)));
    // …and a model setting does refit (the comparison above can fail).
    const lambda = await runPipeline({ ...config, model: { ...config.model, jumpPenalty: 20 } }, { dataKey: key, executor: exec, panel });
    expect(lambda.runStats.fitsComputed).toBeGreaterThan(0);
  });

  it('data extended by later days recomputes only the refits whose training data changed', async () => {
    const cache = new MemoryCache();
    const short = cut(panel, '2015-06-30');
    const shortKey = await panelHash(short);
    const e1 = new InlineExecutor(short, shortKey, cache);
    const a = await runPipeline(config, { dataKey: shortKey, executor: e1, panel: short });
    const e2 = new InlineExecutor(panel, key, cache);
    const b = await runPipeline(config, { dataKey: key, executor: e2, panel });
    expect(content(b)).toBe(content(reference));
    // 2015-07 … 2016-12 is 18 monthly refits per factor and strategy: only those are new.
    expect(b.runStats.fitsComputed).toBe(18 * 3 * 2);
    expect(b.runStats.fitsFromCache).toBe(a.runStats.fitsComputed);
  });

  it('reports progress per factor, ending at the total', async () => {
    const seen: PipelineProgress[] = [];
    await runPipeline(config, { dataKey: key, executor: new InlineExecutor(panel, key), panel, onProgress: (p) => seen.push(p), progressMs: 0 });
    const fitting = seen.filter((p) => p.stage === 'fitting regime models');
    expect(fitting.length).toBeGreaterThan(10);
    const last = fitting[fitting.length - 1]!;
    expect(last.done).toBe(last.total);
    expect(last.factors.map((f) => f.ticker)).toEqual(['QUAL', 'MTUM', 'USMV']);
    for (const f of last.factors) expect(f.done).toBe(f.total);
    for (let i = 1; i < fitting.length; i++) expect(fitting[i]!.done).toBeGreaterThanOrEqual(fitting[i - 1]!.done);
    expect(seen[seen.length - 1]!.stage).toBe('allocating and measuring');
  });

  it('a failing store only switches caching off: the result is the same and nothing throws', async () => {
    const broken: RegimeCache = {
      getMany: () => Promise.reject(new Error('QuotaExceededError')),
      putMany: () => Promise.reject(new Error('QuotaExceededError')),
    };
    const errors: unknown[] = [];
    const safe = new FailSafeCache(broken, (e) => errors.push(e));
    const exec: InlineExecutor = new InlineExecutor(panel, key, new LayeredCache([new MemoryCache(0), safe]));
    const r = await runPipeline(config, { dataKey: key, executor: exec, panel });
    expect(content(r)).toBe(content(reference));
    expect(errors).toHaveLength(1);
    expect(safe.disabled).toBe(true);
  });

  it('the result key covers the data content and the full configuration, not the data set\'s name', () => {
    const withData = (c: RunConfig, hash: string, name = 'a'): RunConfig => ({ ...c, dataset: { id: hash, name, hash, firstDate: '2008-01-02', lastDate: '2016-12-30' } });
    const k = resultKey(withData(config, 'h1'));
    expect(resultKey(withData(config, 'h1', 'renamed'))).toBe(k);
    expect(resultKey(withData(config, 'h2'))).not.toBe(k);
    expect(resultKey(withData({ ...config, costBps: 6 }, 'h1'))).not.toBe(k);
  });
});

describe('worker threads and the folder cache', async () => {
  const key = await panelHash(panel);
  const config = smallConfig();
  const reference = runBacktest(panel, config);

  it('1 and 2 worker threads, cold and warm folder cache: the same bits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'helix-cache-'));
    try {
      const results: BacktestResult[] = [];
      for (const workers of [1, 2]) {
        const exec = new NodeEngineExecutor({ panel, dataKey: key, workers, cacheDir: workers === 2 ? dir : null });
        try { results.push(await runPipeline(config, { dataKey: key, executor: exec, panel })); } finally { await exec.close(); }
      }
      // A new pool (empty memories) over the folder the 2-worker run filled: everything from the folder.
      const warm = new NodeEngineExecutor({ panel, dataKey: key, workers: 2, cacheDir: dir });
      try { results.push(await runPipeline(config, { dataKey: key, executor: warm, panel })); } finally { await warm.close(); }
      for (const r of results) expect(content(r)).toBe(content(reference));
      expect(results.map((r) => r.runStats.workers)).toEqual([1, 2, 2]);
      expect(results[2]!.runStats.fitsComputed).toBe(0);
      // The folder holds every refit, readable by a fresh engine.
      const fresh = new Engine(new DirCache(dir));
      fresh.setData(key, panel);
      const t = await fresh.regimes({ dataKey: key, config, factorIndex: 1, strategy: 'asymmetric' });
      expect(t.stats.fitsComputed).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('any cache state', async () => {
  const p = generateDemoPanel(9, { start: '2009-01-01', end: '2015-12-31' });
  const key = await panelHash(p);
  const c = smallConfig();
  c.factors = [{ ticker: 'QUAL' }, { ticker: 'VLUE' }];
  c.refitFrequency = 'quarterly';
  c.model.nInit = 2;
  const full = new MemoryCache();
  const reference = await runPipeline(c, { dataKey: key, executor: new InlineExecutor(p, key, full), panel: p });
  const total = reference.runStats.fitsComputed;
  const names: string[] = [];
  for (const k of (full as unknown as { map: Map<string, unknown> }).map.keys()) names.push(k);

  it('property: with any subset of the refits and chains cached, the same bits, and every fit counted once', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.boolean(), { minLength: names.length, maxLength: names.length }), async (keep) => {
      const cache = new MemoryCache();
      names.forEach((n, i) => { if (keep[i]) cache.set(n, full.get(n)); });
      const r = await runPipeline(c, { dataKey: key, executor: new InlineExecutor(p, key, cache), panel: p });
      expect(content(r)).toBe(content(reference));
      expect(r.runStats.fitsComputed + r.runStats.fitsFromCache).toBe(total);
    }), { numRuns: 6 });
  }, 120_000);
});
