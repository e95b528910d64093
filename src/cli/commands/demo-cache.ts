// `npm run -s cli -- demo-cache --out public/demo-cache.bin`: the regime paths of the default
// configuration on the simulated demo data set, computed by this project's engine and written as a
// seed cache (src/core/pipeline/seed.ts) that the page reads on first open, so the demo's tearsheet
// is on screen in seconds instead of after ~2,000 model fits. test/unit/pipeline/seed.test.ts
// recomputes every path and checks the shipped file is identical.
import { writeFileSync } from 'node:fs';
import { parseCli, CliError } from '../args.ts';
import { generateDemoPanel, DEMO_SEED } from '../../core/data/demo.ts';
import { panelHash } from '../../core/hash.ts';
import { defaultConfig, validateConfig } from '../../core/config.ts';
import { regimeTasks, runRegimeTasks } from '../../core/pipeline/run.ts';
import { taskKey } from '../../core/pipeline/engine.ts';
import { encodeSeed } from '../../core/pipeline/seed.ts';
import { NodeEngineExecutor } from '../engine-pool.ts';
import { parseWorkers } from '../run-pipeline.ts';
import { DEMO_DATASET_NAME } from '../../core/data/demo.ts';

export const help = `Usage: npm run -s cli -- demo-cache --out public/demo-cache.bin [--workers N]

Computes the regime paths of the default configuration on the simulated demo data set
("${DEMO_DATASET_NAME}", seed ${DEMO_SEED}) and writes them as the seed cache the app reads on first
open. Run it after any change to the engine (ENGINE_VERSION in src/core/pipeline/keys.ts): a file
made by another engine version is ignored by the app, and the unit tests say it is stale.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCli(argv, { out: { type: 'string' }, workers: { type: 'string' } });
  if (!values.out) throw new CliError('--out FILE is required (e.g. --out public/demo-cache.bin)');
  const panel = generateDemoPanel();
  const dataKey = await panelHash(panel);
  const d = panel.dates;
  const r = validateConfig({ ...defaultConfig(), dataset: { id: dataKey, name: DEMO_DATASET_NAME, hash: dataKey, firstDate: d[0]!, lastDate: d[d.length - 1]! } });
  if (!r.ok) throw new Error('the default configuration does not validate');
  const config = r.config;
  const executor = new NodeEngineExecutor({ panel, dataKey, workers: parseWorkers(values.workers) });
  const tasks = regimeTasks(dataKey, config);
  const t0 = Date.now();
  try {
    const results = await runRegimeTasks(tasks, { dataKey, executor }, config.factors.map((f) => f.ticker));
    const bytes = encodeSeed(dataKey, tasks.map((t, i) => [taskKey(t), results[i]!]));
    writeFileSync(values.out, bytes);
    const fits = results.reduce((a, x) => a + x.stats.fitsComputed, 0);
    console.log(`demo-cache: ${tasks.length} regime paths (${fits} fits, ${((Date.now() - t0) / 1000).toFixed(1)} s on ${executor.workers} workers) -> ${values.out} (${(bytes.length / 1024).toFixed(0)} KB)`);
  } finally {
    await executor.close();
  }
  return 0;
}
