// The long-history default backtest (Ken French's daily factors, out of sample 1971-2022: about 600
// monthly refits × 5 factors × 2 strategies) with 1 and with 2 worker threads, side by side in this
// one run: wall time per stage, fits, and the peak memory of the process (worker threads included).
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { availableParallelism, cpus } from 'node:os';
import { loadPanel } from '../../src/cli/load-data.ts';
import { panelHash } from '../../src/core/hash.ts';
import { defaultConfig } from '../../src/core/config.ts';
import { fitConfigToDataset } from '../../src/core/universe.ts';
import { runPipeline } from '../../src/core/pipeline/run.ts';
import { NodeEngineExecutor } from '../../src/cli/engine-pool.ts';

const DIR = '../shared/data/french';
if (!existsSync(DIR)) {
  console.log(`long-history bench skipped: ${DIR} is absent (Ken French's files sit beside the repo in ../shared)`);
  process.exit(0);
}
console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}`);
const data = await loadPanel([DIR]);
const dataKey = await panelHash(data.panel);
const { config } = fitConfigToDataset(defaultConfig(), { id: dataKey, name: data.name, panel: data.panel });

let peak = 0;
const sample = () => { peak = Math.max(peak, process.memoryUsage().rss); };
const timer = setInterval(sample, 20);
const walls: number[] = [];
for (const workers of [1, 2]) {
  peak = 0;
  const executor = new NodeEngineExecutor({ panel: data.panel, dataKey, workers });
  const t0 = performance.now();
  const r = await runPipeline(config, { dataKey, executor, panel: data.panel });
  const wall = performance.now() - t0;
  await executor.close();
  sample();
  walls.push(wall);
  const st = r.runStats;
  console.log(`\n${workers} worker${workers === 1 ? '' : 's'}: ${(wall / 1000).toFixed(1)} s, ${st.fitsComputed} fits (out of sample ${r.dates[r.evalStartIndex]} to ${r.dates[r.dates.length - 1]}), peak memory ${(peak / 2 ** 20).toFixed(0)} MB`);
  for (const [k, v] of Object.entries(st.stages)) console.log(`  ${k.padEnd(12)} ${(v / 1000).toFixed(2).padStart(7)} s`);
}
clearInterval(timer);
console.log(`\nspeed-up with 2 workers: ${(walls[0]! / walls[1]!).toFixed(2)}×`);
