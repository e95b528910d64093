// The full default backtest on the real data (7 assets, 6 sparse jump models refitted monthly, daily
// Black-Litterman with TE targeting, both strategies), in node, in this one thread and without a
// cache: the time per stage and the peak memory. (Worker and cache figures: pipeline.bench.ts.)
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { readInputs } from '../../src/cli/load-data.ts';
import { importFiles } from '../../src/core/data/index.ts';
import { defaultConfig } from '../../src/core/config.ts';
import { runBacktest } from '../../src/core/backtest/index.ts';

const DIR = '../shared/data/market';
if (!existsSync(DIR)) {
  console.log(`backtest bench skipped: ${DIR} is absent (the real market data sits beside the repo in ../shared)`);
  process.exit(0);
}
const imported = importFiles(readInputs([DIR]));
if (!imported.panel) throw new Error('the real data did not import');
const panel = imported.panel;

let peak = process.memoryUsage().rss;
const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 5);

function once(label: string, mutate: (c: ReturnType<typeof defaultConfig>) => void) {
  const config = defaultConfig();
  mutate(config);
  const t0 = performance.now();
  const r = runBacktest(panel, config);
  const wall = performance.now() - t0;
  peak = Math.max(peak, process.memoryUsage().rss);
  const fits = r.factors.reduce((s, f) => s + Object.values(f.regimes).reduce((a, g) => a + (g?.refits.length ?? 0), 0), 0);
  console.log(`\n${label}: ${(wall / 1000).toFixed(2)} s wall, ${fits} sparse-jump-model fits (${(r.runStats.stages.regimeFits! / fits).toFixed(1)} ms each), out of sample ${r.dates[r.evalStartIndex]} to ${r.dates[r.dates.length - 1]}`);
  for (const [k, v] of Object.entries(r.runStats.stages)) console.log(`  ${k.padEnd(12)} ${v.toFixed(0).padStart(7)} ms`);
  return wall;
}

// Warm-up (JIT) on a cheap configuration, then the measured runs.
once('warm-up (1 factor, symmetric only)', (c) => { c.factors = [{ ticker: 'QUAL' }]; c.strategies.asymmetric = false; });
const both = once('default configuration (both strategies, 8-year minimum)', () => {});
once('symmetric strategy only', (c) => { c.strategies.asymmetric = false; });
clearInterval(sampler);
console.log(`\npeak memory (RSS): ${(peak / 2 ** 20).toFixed(0)} MB`);
console.log(`default run in one thread: ${(both / 1000).toFixed(2)} s`);
