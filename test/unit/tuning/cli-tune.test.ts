// `cli tune` end to end on the bundled demo data: worker threads, determinism across the
// number of workers, the configuration it writes, Ctrl-C and resume, bad input. Each run is small
// (one factor, 4-6 trials, a 7-year slice of the demo data, 3-year minimum window, 2 k-means++ starts).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { studyFromJSON } from '../../../src/core/tuning/serialize.ts';
import { candidatesFromStudy, selectStudy, type StaticSelection } from '../../../src/core/tuning/select.ts';
import { defaultConfig, validateConfig } from '../../../src/core/config.ts';
import { generateDemoPanel } from '../../../src/core/data/demo.ts';
import { panelHash } from '../../../src/core/hash.ts';
import { studyToJSON } from '../../../src/core/tuning/serialize.ts';
import { symmetricSpace } from '../../../src/core/tuning/space.ts';
import type { StudyState, TrialRecord } from '../../../src/core/tuning/types.ts';
import type { BacktestResult } from '../../../src/core/backtest/index.ts';

const ROOT = join(import.meta.dirname, '../../..');
const NODE_ARGS = ['--import', 'tsx', 'src/cli/main.ts'];
const SMALL = [
  '--data', 'demo', '--set', 'startDate=2010-01-01', '--set', 'endDate=2016-12-31', '--set', 'trainMinYears=3',
  '--set', 'model.nInit=2', '--set', 'factors=QUAL,MTUM', '--factor', 'QUAL',
];

let dir = '';
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'helix-tune-')); });
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [...NODE_ARGS, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const load = (p: string): StudyState => studyFromJSON(readFileSync(p, 'utf8'), p);

/** A trial without its timing fields (those are informational and differ from run to run). */
const comparable = (t: TrialRecord) => ({ ...t, durationMs: 0, finishedAt: '' });
const finished = (s: StudyState) => s.trials.filter((t) => t.status !== 'cancelled').sort((a, b) => a.id - b.id).map(comparable);

describe('cli tune', () => {
  it('the same study with --workers 1 and --workers 3 gives identical trials and the same choice (TPE batches)', () => {
    const args = [...SMALL, '--sampler', 'tpe', '--batch', '2', '--startup', '2', '--trials', '4', '--seed', '3'];
    const a = cli(['tune', ...args, '--workers', '1', '--out', join(dir, 'w1.json')]);
    const b = cli(['tune', ...args, '--workers', '3', '--out', join(dir, 'w3.json')]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const sa = load(join(dir, 'w1.json')), sb = load(join(dir, 'w3.json'));
    expect(sa.status).toBe('done');
    // The study file gains overfitting per factor (method.md §12): PBO over the 4 candidates, DSR of the choice.
    const doc = JSON.parse(readFileSync(join(dir, 'w1.json'), 'utf8')) as { overfitting: Record<string, Record<string, unknown>> };
    expect(doc.overfitting.QUAL).toMatchObject({ blocks: 16, candidates: 4 });
    expect(typeof doc.overfitting.QUAL!.pbo).toBe('number');
    expect(typeof doc.overfitting.QUAL!.deflatedSharpe).toBe('number');
    expect(a.stdout).toMatch(/QUAL {2}PBO \d+\.\d% \(4 candidates, 16 blocks/);
    expect(sa.definition.id).toBe(sb.definition.id);
    expect(finished(sa)).toHaveLength(4);
    expect(finished(sa).every((t) => t.status === 'done')).toBe(true);
    expect(finished(sb)).toEqual(finished(sa)); // params, scores, summaries and paths, bit for bit
    // Trials 2-3 were proposed by TPE from trials 0-1 (batch 1 from batch 0), not at random.
    expect(new Set(finished(sa).map((t) => t.batch))).toEqual(new Set([0, 1]));
    const ca = (selectStudy(sa).QUAL as StaticSelection).chosen!, cb = (selectStudy(sb).QUAL as StaticSelection).chosen!;
    expect(cb).toEqual(ca);
    // The printed table is the same too.
    expect(b.stdout.replace(/w3\.json/g, '')).toBe(a.stdout.replace(/w1\.json/g, ''));
    expect(a.stdout).toMatch(/factor\s+chosen parameters\s+trial\s+validation Sharpe\s+days\s+holdout Sharpe/);
    // Progress went to stderr, with done/total, best so far and time left.
    expect(a.stderr).toMatch(/tune: 4\/4 trials · best -?\d\.\d\d \(λ=[\d.]+ κ²=[\d.]+, trial \d\) · \d+s elapsed · ~\d+s left/);
  });

  it('--config-out writes a configuration that validates and that cli backtest runs with the chosen path', () => {
    const study = join(dir, 'static.json'), cfg = join(dir, 'tuned.json'), res = join(dir, 'result.json');
    const t = cli(['tune', ...SMALL, '--sampler', 'random', '--trials', '4', '--workers', '2', '--out', study, '--config-out', cfg]);
    expect(t.code, t.stderr).toBe(0);
    const state = load(study);
    const chosen = (selectStudy(state).QUAL as StaticSelection).chosen!;
    const raw = JSON.parse(readFileSync(cfg, 'utf8')) as unknown;
    const v = validateConfig(raw);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    const q = v.config.factors.find((f) => f.ticker === 'QUAL')!;
    expect(q.jumpPenalty).toBe(chosen.params.jumpPenalty);
    expect(q.maxFeatures).toBe(chosen.params.maxFeatures);
    expect(v.config.trainMinYears).toBe(3);
    expect(v.config.dataset?.hash).toMatch(/^[0-9a-f]{64}$/);
    const b = cli(['backtest', '--data', 'demo', '--config', cfg, '--out', res]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).not.toMatch(/warning/); // same data set hash as the study's
    // The backtest's QUAL long-short is the chosen candidate's path (method.md §7: the choice flows into a backtest).
    const r = JSON.parse(readFileSync(res, 'utf8')) as BacktestResult;
    const path = candidatesFromStudy(state, 'QUAL').find((c) => c.trialId === chosen.trialId)!.longShort;
    const w0 = state.dates!.indexOf(r.dates[0]!);
    const ls = r.factors.find((f) => f.ticker === 'QUAL')!.regimes.symmetric!.longShort;
    let n = 0;
    for (let i = 0; i < ls.length; i++) {
      const x = path[w0 + i]!;
      if (ls[i] === null) expect(Number.isNaN(x)).toBe(true);
      else { expect(x).toBe(ls[i]); n++; }
    }
    expect(n).toBeGreaterThan(500);
  });

  it('Ctrl-C cancels, writes a partial resumable study (exit 130); --resume finishes it identically to an uninterrupted run', async () => {
    const args = [...SMALL, '--sampler', 'random', '--trials', '6', '--seed', '9'];
    const study = join(dir, 'cancel.json');
    const child = spawn(process.execPath, [...NODE_ARGS, 'tune', ...args, '--workers', '1', '--out', study], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    // Wait until the study file holds a finished trial (it is written at the first one), then interrupt.
    const t0 = Date.now();
    for (;;) {
      if (existsSync(study)) {
        try { if (load(study).trials.some((t) => t.status === 'done')) break; } catch { /* being renamed */ }
      }
      if (Date.now() - t0 > 15_000) { child.kill('SIGKILL'); throw new Error('no trial finished within 15 s'); }
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const partial = load(study);
    expect(partial.status).toBe('cancelled');
    const nDone = partial.trials.filter((t) => t.status === 'done').length;
    expect(nDone).toBeGreaterThanOrEqual(1);
    expect(nDone).toBeLessThan(6);
    // The one trial running on the single worker was stopped and recorded as cancelled (it runs again on resume).
    expect(partial.trials.filter((t) => t.status === 'cancelled')).toHaveLength(1);
    expect(stdout).toMatch(/resume with: npm run -s cli -- tune --resume/);

    const resumed = cli(['tune', '--resume', study, '--workers', '2']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`resuming ${nDone} finished`));
    const full = cli(['tune', ...args, '--workers', '2', '--out', join(dir, 'uninterrupted.json')]);
    expect(full.code, full.stderr).toBe(0);
    const a = load(study), b = load(join(dir, 'uninterrupted.json'));
    expect(a.status).toBe('done');
    expect(finished(a)).toHaveLength(6);
    expect(finished(a)).toEqual(finished(b));
    // Resuming a finished study runs nothing and prints its table again.
    const again = cli(['tune', '--resume', study]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/QUAL\s+λ=/);
  }, 180_000);

  it('bad input: exit 2 with a one-line message', async () => {
    const cases: [string[], RegExp][] = [
      [[...SMALL, '--sampler', 'annealing', '--out', join(dir, 'x.json')], /--sampler must be grid, random or tpe, got "annealing"/],
      [[...SMALL, '--trials', '0', '--out', join(dir, 'x.json')], /--trials must be a whole number from 1/],
      [[...SMALL.slice(0, -2), '--factor', 'XYZ', '--out', join(dir, 'x.json')], /--factor XYZ is not a factor of the configuration \(QUAL, MTUM\)/],
      [[...SMALL], /--out study\.json is required/],
      [['--resume', join(dir, 'nope.json')], /no such study file/],
      [[...SMALL, '--select', 'rolling', '--split', '2014-01-01', '--out', join(dir, 'x.json')], /--split applies to --select static/],
      [[...SMALL, '--fix', 'jumpPenaltyExit=5', '--out', join(dir, 'x.json')], /jumpPenaltyExit is not a parameter of the symmetric space/],
      [[...SMALL, '--set', 'trainMinYears=10', '--set', 'trainMaxYears=12', '--out', join(dir, 'x.json')], /no out-of-sample days .* lower trainMinYears/],
      [[...SMALL, '--set', 'model.nInit=many', '--out', join(dir, 'x.json')], /--set model\.nInit/],
      [[...SMALL, '--bogus', '--out', join(dir, 'x.json')], /Unknown option '--bogus'/],
    ];
    writeFileSync(join(dir, 'notastudy.json'), '{"format":"something-else"}');
    cases.push([['--resume', join(dir, 'notastudy.json')], /not a Helix study/]);
    cases.push([[...SMALL, '--out', join(dir, 'no-such-folder', 'x.json')], /the folder .*no-such-folder does not exist/]);
    // A study file whose definition was edited into an invalid one (0 trials): refused, not crashed.
    const hash = await panelHash(generateDemoPanel());
    const config = { ...defaultConfig(), trainMinYears: 3, model: { ...defaultConfig().model, nInit: 2 }, startDate: '2010-01-01', endDate: '2016-12-31' };
    const edited: StudyState = {
      status: 'cancelled', trials: [],
      definition: {
        id: 'tune-edited', createdAt: '2026-01-01T00:00:00Z', factors: ['QUAL'], spaces: { QUAL: symmetricSpace(17) }, sampler: { kind: 'random' },
        nTrials: 0, seed: 0, selection: { mode: 'rolling' },
        context: { tool: 'cli tune', strategy: 'symmetric', data: { paths: ['demo'], name: 'demo', hash, simulated: true }, config },
      },
    };
    writeFileSync(join(dir, 'edited.json'), studyToJSON(edited));
    cases.push([['--resume', join(dir, 'edited.json')], /nTrials must be a whole number ≥ 1, got 0/]);
    for (const [args, msg] of cases) {
      const r = cli(['tune', ...args]);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^error: /);
      expect(lines[0]).toMatch(msg);
    }
  }, 180_000);
});
