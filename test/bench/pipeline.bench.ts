// The run pipeline's figures, each measured side by side in this one run (absolute times on a shared
// machine vary by 2×; the ratios are what the figures mean). Every run is a separate command-line
// process (`node src/cli/launch.mjs …`, the bundle `npm run cli` runs), as a person would run it.
//
//   1. the default real-data backtest with 1 and with 2 worker threads, cold (no cache): speed-up;
//   2. a re-run with only --set trackingErrorTarget=0.03 on a warm --cache: fits and work;
//   3. the real data cut at 2025-06-30, then the full data, same cache: share of fits computed;
//   4. tuning 6 factors × 50 candidates with 1 and 2 workers: speed-up; then the backtest of the
//      selection on the tuning's cache: fits of the tuned factors' paths;
//   5. command-line start-up (`--help`): tsx on the sources against the bundle, and through npm.
// PIPELINE_BENCH_QUICK=1 shortens step 4 to 6 factors × 10 candidates. The browser's figures (first
// open, re-run after a TE change) are in pipeline-browser.bench.ts.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { studyFromJSON } from '../../src/core/tuning/serialize.ts';

const DATA = '../shared/data/market';
if (!existsSync(DATA)) {
  console.log(`pipeline bench skipped: ${DATA} is absent (the real market data sits beside the repo in ../shared)`);
  process.exit(0);
}
const QUICK = process.env.PIPELINE_BENCH_QUICK === '1';
/** PIPELINE_BENCH_STEPS=4,5 runs only those steps (1 is needed by 3's comparison and runs with it). */
const STEPS = new Set((process.env.PIPELINE_BENCH_STEPS ?? '1,2,3,4,5').split(',').map((x) => Number(x.trim())));
const tmp = mkdtempSync(join(tmpdir(), 'helix-pipeline-bench-'));
console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}; load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);

interface RunStats { workers: number; fitsComputed: number; fitsFromCache: number; wallMs: number; paths?: { factor: string; strategy: string; fitsComputed: number; fitsFromCache: number }[] }

function cli(args: string[]): { ms: number; stdout: string; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['src/cli/launch.mjs', ...args], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`cli ${args.join(' ')} exited with ${r.status}:\n${r.stderr}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

function backtest(name: string, args: string[]): { ms: number; stats: RunStats; content: string } {
  const out = join(tmp, `${name}.json`);
  const r = cli(['backtest', '--data', ...(args.includes('--data') ? [] : [DATA]), ...args, '--out', out]);
  const result = JSON.parse(readFileSync(out, 'utf8')) as { runStats: RunStats };
  const stats = result.runStats;
  const content = JSON.stringify({ ...result, runStats: null });
  return { ms: r.ms, stats, content };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
cli(['--help']); // builds the bundle if the sources changed, outside the measurements

let w2: { content: string } | null = null;
if (STEPS.has(1) || STEPS.has(3)) {
// ---- 1. one and two workers, cold ----
console.log('\n1. default backtest on the real data, cold (no cache): 1 vs 2 worker threads');
const w1 = backtest('w1', ['--workers', '1']);
const w2run = backtest('w2', ['--workers', '2']);
w2 = w2run;
console.log(`   1 worker:  ${s(w1.ms)} process, ${s(w1.stats.wallMs)} pipeline, ${w1.stats.fitsComputed} fits`);
console.log(`   2 workers: ${s(w2run.ms)} process, ${s(w2run.stats.wallMs)} pipeline, ${w2run.stats.fitsComputed} fits`);
console.log(`   speed-up ${(w1.stats.wallMs / w2run.stats.wallMs).toFixed(2)}× (pipeline), ${(w1.ms / w2run.ms).toFixed(2)}× (process); results identical: ${w1.content === w2run.content}`);
}

if (STEPS.has(2)) {
// ---- 2. warm cache, allocation setting changed ----
console.log('\n2. re-run with --set trackingErrorTarget=0.03 on a warm cache');
const cacheA = join(tmp, 'cache-a');
const warmup = backtest('warm', ['--workers', '2', '--cache', cacheA]);
const te = backtest('te', ['--workers', '2', '--cache', cacheA, '--set', 'trackingErrorTarget=0.03']);
console.log(`   cold run into the cache: ${s(warmup.ms)} process, ${warmup.stats.fitsComputed} fits`);
console.log(`   TE 3% re-run: ${te.stats.fitsComputed} fits computed, ${te.stats.fitsFromCache} from the cache; work ${(te.stats.wallMs / 1000).toFixed(2)} s (pipeline), ${s(te.ms)} process`);

}
if (STEPS.has(3)) {
// ---- 3. data cut at 2025-06-30, then the full data ----
console.log('\n3. the real data cut at 2025-06-30, then the full data, same cache');
const cutDir = join(tmp, 'cut');
mkdirSync(cutDir);
for (const f of readdirSync(DATA).filter((x) => /\.csv$/i.test(x))) {
  const lines = readFileSync(join(DATA, f), 'utf8').split(/\r?\n/);
  const kept = lines.filter((l, i) => i === 0 || !/^\d{4}-\d{2}-\d{2}/.test(l) || l.slice(0, 10) <= '2025-06-30');
  writeFileSync(join(cutDir, f), kept.join('\n'));
}
const cacheB = join(tmp, 'cache-b');
const cut = backtest('cut', ['--data', cutDir, '--workers', '2', '--cache', cacheB]);
const full = backtest('full', ['--data', DATA, '--workers', '2', '--cache', cacheB]);
const share = full.stats.fitsComputed / (full.stats.fitsComputed + full.stats.fitsFromCache);
console.log(`   cut data: ${cut.stats.fitsComputed} fits (${s(cut.ms)}); full data: ${full.stats.fitsComputed} fits computed, ${full.stats.fitsFromCache} from the cache (${(100 * share).toFixed(1)}% computed, ${s(full.ms)})`);
console.log(`   the full-data result equals the cold run's: ${full.content === w2?.content}`);
}

if (STEPS.has(4)) {
// ---- 4. tuning, then the backtest of the selection ----
const trials = QUICK ? 10 : 50;
console.log(`\n4. tuning 6 factors × ${trials} candidates (TPE, static selection): 1 vs 2 worker threads`);
const tune = (workers: number, cache?: string) => {
  const out = join(tmp, `study-w${workers}.json`);
  const r = cli(['tune', '--data', DATA, '--factor', 'all', '--trials', String(trials), '--workers', String(workers), '--out', out,
    '--config-out', join(tmp, `tuned-w${workers}.json`), ...(cache ? ['--cache', cache] : [])]);
  return { ms: r.ms, study: readFileSync(out, 'utf8') };
};
const cacheC = join(tmp, 'cache-c');
const t1 = tune(1);
const t2 = tune(2, cacheC);
const trialsOf = (text: string) => JSON.stringify(studyFromJSON(text, 'study').trials.map((t) => [t.factor, t.id, t.params, t.score]).sort());
console.log(`   1 worker: ${s(t1.ms)}; 2 workers: ${s(t2.ms)}; speed-up ${(t1.ms / t2.ms).toFixed(2)}×; same trials: ${trialsOf(t1.study) === trialsOf(t2.study)}`);
const sel = backtest('selection', ['--workers', '2', '--cache', cacheC, '--config', join(tmp, 'tuned-w2.json')]);
const tuned = (sel.stats.paths ?? []).filter((p) => p.strategy === 'symmetric');
const other = (sel.stats.paths ?? []).filter((p) => p.strategy !== 'symmetric');
console.log(`   backtest of the selection: tuned factors' (symmetric) paths ${tuned.reduce((a, p) => a + p.fitsComputed, 0)} fits computed, ` +
  `${tuned.reduce((a, p) => a + p.fitsFromCache, 0)} from the tuning's cache; the asymmetric strategy (not tuned) ${other.reduce((a, p) => a + p.fitsComputed, 0)} fits`);

}
if (STEPS.has(5)) {
// ---- 5. start-up ----
console.log('\n5. command-line start-up, `--help` (median of 5)');
const median = (f: () => void) => {
  const xs: number[] = [];
  for (let i = 0; i < 5; i++) { const t0 = performance.now(); f(); xs.push(performance.now() - t0); }
  return xs.sort((a, b) => a - b)[2]!;
};
const run = (cmd: string, args: string[]) => () => { const r = spawnSync(cmd, args, { encoding: 'utf8' }); if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`); };
const tsxMs = median(run('npx', ['tsx', 'src/cli/main.ts', '--help']));
const bundleMs = median(run(process.execPath, ['src/cli/launch.mjs', '--help']));
const npmMs = median(run('npm', ['run', '-s', 'cli', '--', '--help']));
const nodeMs = median(run(process.execPath, ['-e', '0']));
console.log(`   tsx on the sources ${tsxMs.toFixed(0)} ms; the bundle ${bundleMs.toFixed(0)} ms (${(tsxMs / bundleMs).toFixed(1)}× faster); through npm run ${npmMs.toFixed(0)} ms; node alone ${nodeMs.toFixed(0)} ms`);
}

rmSync(tmp, { recursive: true, force: true });
