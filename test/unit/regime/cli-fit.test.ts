// `npm run -s cli -- fit`: options, result.json keys, exit code 2 with a
// one-line message on bad input. Spawns the CLI as a user would.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_DIR, haveFixtures, loadDataset } from './fixtures.ts';

const cli = (args: string[]) => spawnSync('npx', ['tsx', 'src/cli/main.ts', 'fit', ...args], { encoding: 'utf8' });
const KEYS = ['labels', 'onlineLabels', 'testLabels', 'testOnlineLabels', 'centers', 'centersUnweighted', 'w', 'featureWeights', 'objective', 'nOuterIter', 'proba', 'jumpPenaltyEffective', 'stats'];

let dir = '';
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'helix-fit-')); });
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

if (!haveFixtures) console.log(`fit CLI reference runs skipped: fixtures not found at ${FIXTURE_DIR}`);

describe.skipIf(!haveFixtures)('fit CLI on the reference fixtures', () => {
  const data = (f: string) => join(FIXTURE_DIR, 'data', f);
  it('sjm with --ret and --test writes every key and matches the reference fit', () => {
    const out = join(dir, 'sjm.json');
    const r = cli(['--x', data('synA_X_train.csv'), '--ret', data('synA_ret_train.csv'), '--test', data('synA_X_test.csv'),
      '--model', 'sjm', '--jump-penalty', '10', '--max-features', '2', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(readFileSync(out, 'utf8'));
    for (const k of KEYS) expect(res, k).toHaveProperty(k);
    const c = loadDataset('synA').cases.find((x) => x.case_id === 'synA_SJM_lam10_mf2')!;
    expect(res.labels).toEqual(c.labels_fit);
    expect(res.testLabels).toEqual(c.labels_predict_test);
    expect(res.testOnlineLabels).toEqual(c.labels_online_test);
    expect(res.onlineLabels).toEqual(c.labels_online_train);
    expect(Math.abs(res.objective - c.val) / c.val).toBeLessThan(1e-9);
    res.w.forEach((v: number, i: number) => expect(v).toBeCloseTo(c.w![i]!, 9));
    res.featureWeights.forEach((v: number, i: number) => expect(v).toBeCloseTo(c.feat_weights![i]!, 9));
    expect(res.nOuterIter).toBe(c.n_outer_iter);
    expect(res.jumpPenaltyEffective).toBeCloseTo(c.jump_penalty_effective, 12);
    expect(res.proba).toBeNull();
    expect(res.stats.transitionMatrix.flat()).toEqual(c.transmat.flat().map((v) => expect.closeTo(v, 12)));
    expect(res.centersUnweighted.flat()).toEqual(c.centers_unweighted!.flat().map((v) => expect.closeTo(v, 9)));
  });

  it('cjm reports proba; --init-rows replays the reference starts; without --ret states go by frequency', () => {
    const c = loadDataset('synA').cases.find((x) => x.case_id === 'synA_CJM_lam100_grid0.05')!;
    const starts = join(dir, 'starts.json');
    writeFileSync(starts, JSON.stringify(c.trace![0]!.kmeanspp_rows));
    const out = join(dir, 'cjm.json');
    const r = cli(['--x', data('synA_X_train.csv'), '--ret', data('synA_ret_train.csv'), '--model', 'cjm', '--jump-penalty', '100', '--grid-size', '0.05', '--init-rows', starts, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(readFileSync(out, 'utf8'));
    expect(res.labels).toEqual(c.labels_fit);
    expect(res.proba.flat()).toEqual(c.proba_fit!.flat().map((v) => expect.closeTo(v, 12)));
    expect(res.testLabels).toBeNull();
    expect(res.w).toBeNull();
    const f = loadDataset('synA').cases.find((x) => x.case_id === 'synA_JM_lam50_sortfreq')!;
    const out2 = join(dir, 'freq.json');
    const r2 = cli(['--x', data('synA_X_train.csv'), '--model', 'jm', '--k', '2', '--jump-penalty', '50', '--n-init', '10', '--seed', '0', '--out', out2]);
    expect(r2.status, r2.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out2, 'utf8')).labels).toEqual(f.labels_fit);
  });

  it('an asymmetric --penalty-matrix is accepted and reported in sorted coordinates', () => {
    const out = join(dir, 'asym.json');
    const r = cli(['--x', data('synA_X_train.csv'), '--ret', data('synA_ret_train.csv'), '--model', 'jm', '--penalty-matrix', '0,60;30,0', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(readFileSync(out, 'utf8'));
    expect(res.penaltyMatrixEffective).toEqual([[0, 60], [30, 0]]);
    expect(res.jumpPenaltyEffective).toBeNull();
  });
});

describe('fit CLI rejects bad input with one line and exit code 2', () => {
  const csv = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
  const good = () => csv('good.csv', 't,a,b\n' + Array.from({ length: 30 }, (_, i) => `${i},${Math.sin(i)},${Math.cos(i * 0.7)}`).join('\n') + '\n');
  const cases: [string, () => string[], RegExp][] = [
    ['ragged rows', () => ['--x', csv('ragged.csv', 't,a,b\n0,1,2\n1,3\n'), '--model', 'jm', '--jump-penalty', '1'], /line 3: 2 fields, expected 3/],
    ['non-numbers', () => ['--x', csv('nan.csv', 't,a,b\n0,1,2\n1,3,abc\n'), '--model', 'jm', '--jump-penalty', '1'], /line 3, column b: "abc" is not a number/],
    ['K larger than the rows', () => ['--x', good(), '--model', 'jm', '--k', '31', '--jump-penalty', '1'], /larger than the number of rows/],
    ['κ² outside [1, D]', () => ['--x', good(), '--model', 'sjm', '--jump-penalty', '1', '--max-features', '3'], /\[1, D\] = \[1, 2\]/],
    ['κ² below 1', () => ['--x', good(), '--model', 'sjm', '--jump-penalty', '1', '--max-features', '0.5'], /--max-features/],
    ['non-square penalty matrix', () => ['--x', good(), '--model', 'jm', '--penalty-matrix', '0,1,2;3,0'], /square/],
    ['negative penalty matrix', () => ['--x', good(), '--model', 'jm', '--penalty-matrix', '0,-1;3,0'], /negative/],
    ['unknown model', () => ['--x', good(), '--model', 'hmm', '--jump-penalty', '1'], /--model must be jm, sjm or cjm/],
    ['no penalty', () => ['--x', good(), '--model', 'jm'], /--jump-penalty/],
    ['ret of another length', () => ['--x', good(), '--ret', csv('r.csv', 't,ret\n0,0.1\n'), '--model', 'jm', '--jump-penalty', '1'], /1 rows but good.csv has 30/],
    ['bad init rows', () => ['--x', good(), '--model', 'jm', '--jump-penalty', '1', '--init-rows', csv('s.json', '[[0, 99]]')], /outside 0…29/],
  ];
  for (const [what, args, msg] of cases) {
    it(what, () => {
      const r = cli([...args(), '--out', join(dir, 'x.json')]);
      expect(r.status).toBe(2);
      const lines = r.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('npm warn'));
      expect(lines.length, r.stderr).toBe(1);
      expect(lines[0]).toMatch(msg);
    });
  }
});
