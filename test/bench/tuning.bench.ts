// Issue 5 performance, node: candidates per second per core, and the wall time of the goal
// — 6 factors × 50 candidates with monthly refits on the real data in at most 3 minutes on 2 cores.
// A candidate = one factor's full walk-forward path (default configuration: 8-12-year window,
// monthly sparse-jump-model refits, nInit 10, 17 features) and its long-short series.
//
//   1. one thread, in process: context build per factor, then candidates one after the other;
//   2. the `cli tune` worker pool (src/cli/tune-worker.ts) with 1 and with 2 worker threads, on the
//      same 8 random candidates of QUAL;
//   3. the goal itself, end to end: `cli tune --factor all --sampler tpe --trials 50 --workers 2`
//      (skip it with TUNING_BENCH_QUICK=1; then only the projection from step 2 is printed).
// The browser figure is measured by the Tune screen's benchmark.
import { existsSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir, availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { readInputs } from '../../src/cli/load-data.ts';
import { importFiles } from '../../src/core/data/index.ts';
import { defaultConfig } from '../../src/core/config.ts';
import { panelHash } from '../../src/core/hash.ts';
import { NodeWorkerPool } from '../../src/cli/node-pool.ts';
import type { TuneReply, TuneRequest, TuneWorkerData } from '../../src/cli/tune-worker.ts';
import { TuningContextCache, evaluateCandidate } from '../../src/core/tuning/evaluate.ts';
import { proposeBatch } from '../../src/core/tuning/sampler.ts';
import { symmetricSpace } from '../../src/core/tuning/space.ts';
import { runStudy } from '../../src/core/tuning/study.ts';
import { studyFromJSON } from '../../src/core/tuning/serialize.ts';
import type { CandidateParams, StudyDefinition } from '../../src/core/tuning/types.ts';

const DIR = '../shared/data/market';
if (!existsSync(DIR)) {
  console.log(`tuning bench skipped: ${DIR} is absent (the real market data sits beside the repo in ../shared)`);
  process.exit(0);
}
const GOAL_MS = 180_000;
console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}; shared with other work, so figures are noisy`);

const imported = importFiles(readInputs([DIR]));
if (!imported.panel) throw new Error('the real data did not import');
const panel = imported.panel;
const dataKey = await panelHash(panel);
const config = defaultConfig();
const factors = config.factors.map((f) => f.ticker);

// ---- 1. one thread, in process ----
const cache = new TuningContextCache();
let buildTotal = 0;
for (const f of factors) {
  const ctx = cache.context(dataKey, panel, config, f);
  buildTotal += ctx.buildMs;
}
const q = cache.context(dataKey, panel, config, 'QUAL');
console.log(`\ndata ${q.dates[0]} … ${q.dates[q.dates.length - 1]}; ${q.refitDates.length} monthly refits per candidate from ${q.refitDates[0]}; ` +
  `context build (features + ${q.refitDates.length} preprocessors) ${(buildTotal / factors.length).toFixed(0)} ms per factor`);

const space = symmetricSpace(q.factor.D);
const ids = Array.from({ length: 8 }, (_, i) => i);
const candidates: CandidateParams[] = proposeBatch(space, { kind: 'random' }, { seed: 2024, factor: 'QUAL', batch: 0, ids, nTrials: 8, history: [] });
evaluateCandidate(q, candidates[0]!, { strategy: 'symmetric' }); // warm-up (JIT)
const inProcess: number[] = [];
for (const p of candidates.slice(1, 5)) {
  const t0 = performance.now();
  evaluateCandidate(q, p, { strategy: 'symmetric' });
  inProcess.push(performance.now() - t0);
}
const meanIn = inProcess.reduce((a, b) => a + b, 0) / inProcess.length;
console.log(`\n1. one thread, in process: ${inProcess.map((x) => x.toFixed(0)).join(', ')} ms per candidate ` +
  `→ ${(1000 / meanIn).toFixed(2)} candidates/s per core`);

// ---- 2. worker threads (the cli tune pool) ----
async function poolRun(workers: number): Promise<{ wallMs: number; perCandidateMs: number[] }> {
  const pool = new NodeWorkerPool<TuneRequest, TuneReply>({
    module: fileURLToPath(new URL('../../src/cli/tune-worker.ts', import.meta.url)), size: workers,
    workerData: { dataKey, panel } satisfies TuneWorkerData,
  });
  // Start the workers and build their QUAL context first (as a study's first trials do), then time the candidates.
  await Promise.all(Array.from({ length: workers }, () => pool.run({ config, factor: 'QUAL', strategy: 'symmetric', params: { jumpPenalty: 50, maxFeatures: 9.5 } })));
  const perCandidateMs: number[] = [];
  const def: StudyDefinition = {
    id: `bench-${workers}`, createdAt: new Date().toISOString(), factors: ['QUAL'], spaces: { QUAL: space },
    sampler: { kind: 'random' }, nTrials: 8, seed: 2024,
    selection: { mode: 'static', validation: { start: '2021-01-01', end: '2024-06-01' } },
  };
  const t0 = performance.now();
  const state = await runStudy(def, {
    concurrency: workers,
    evaluate: async (params, trial, signal) => {
      const r = await pool.run({ config, factor: trial.factor, strategy: 'symmetric', params }, { signal });
      perCandidateMs.push(r.ms);
      return { ...r.path, dates: q.dates };
    },
  });
  const wallMs = performance.now() - t0;
  await pool.close();
  if (state.trials.some((t) => t.status !== 'done')) throw new Error(`bench: a trial failed: ${state.trials.find((t) => t.status !== 'done')?.error}`);
  return { wallMs, perCandidateMs };
}

const rates: Record<number, number> = {};
console.log('\n2. worker threads (src/cli/tune-worker.ts), the same 8 random candidates of QUAL:');
for (const w of [1, 2]) {
  const r = await poolRun(w);
  const rate = 8 / (r.wallMs / 1000);
  rates[w] = rate;
  const mean = r.perCandidateMs.reduce((a, b) => a + b, 0) / r.perCandidateMs.length;
  console.log(`   ${w} worker${w === 1 ? ' ' : 's'}: ${(r.wallMs / 1000).toFixed(1)} s wall → ${rate.toFixed(2)} candidates/s, ` +
    `${(rate / w).toFixed(2)} per core (${mean.toFixed(0)} ms per candidate inside a worker)`);
}
const projected = (6 * 50) / rates[2]!;
console.log(`   projected for 6 factors × 50 candidates on 2 workers: ${(projected / 60).toFixed(1)} min ` +
  `(+ start-up); goal ≤ 3 min: ${projected * 1000 <= GOAL_MS ? 'met' : 'NOT met'}`);

// ---- 3. the goal, end to end ----
if (process.env.TUNING_BENCH_QUICK === '1') {
  console.log('\n3. end-to-end run skipped (TUNING_BENCH_QUICK=1)');
} else {
  const dir = mkdtempSync(join(tmpdir(), 'helix-tune-bench-'));
  try {
    const out = join(dir, 'study.json');
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'tune', '--data', DIR, '--factor', 'all', '--sampler', 'tpe',
      '--trials', '50', '--workers', '2', '--out', out], { encoding: 'utf8' });
    const wall = performance.now() - t0;
    if (r.status !== 0) throw new Error(`cli tune failed (${r.status}): ${r.stderr.slice(-2000)}`);
    const state = studyFromJSON(readFileSync(out, 'utf8'));
    const done = state.trials.filter((t) => t.status === 'done').length;
    const failed = state.trials.filter((t) => t.status === 'failed').length;
    const cpuMs = state.trials.reduce((s, t) => s + t.durationMs, 0);
    console.log(`\n3. cli tune --factor all --sampler tpe --trials 50 --workers 2 (6 × 50 = 300 candidates, default configuration):`);
    console.log(`   ${(wall / 1000).toFixed(1)} s wall (process start to exit, incl. data import and worker start-up); ` +
      `${done} done, ${failed} failed; ${(300 / (wall / 1000)).toFixed(2)} candidates/s, ${(300 / (wall / 1000) / 2).toFixed(2)} per core; ` +
      `mean trial ${(cpuMs / state.trials.length / 1000).toFixed(2)} s`);
    console.log(`   goal ≤ 3 min on 2 cores: ${wall <= GOAL_MS ? 'met' : 'NOT met'} (${(wall / 60000).toFixed(2)} min)`);
    console.log(r.stdout.split('\n').filter((l) => l.trim()).map((l) => `   ${l}`).join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
