// PBO and DSR of a study (src/core/tuning/overfitting.ts, method.md §12): the candidates are the
// study's finished trials of a factor, compared over the out-of-sample days all of them have.
import { describe, it, expect } from 'vitest';
import { studyOverfitting, overfittingLines } from '../../../src/core/tuning/overfitting.ts';
import { probabilityOfBacktestOverfitting, returnMoments, deflatedSharpe } from '../../../src/core/metrics/evidence.ts';
import { selectStudy, type StaticSelection } from '../../../src/core/tuning/select.ts';
import { symmetricSpace } from '../../../src/core/tuning/space.ts';
import { Rng } from '../../../src/core/random.ts';
import type { StudyState, TrialRecord } from '../../../src/core/tuning/types.ts';
import { weekdayCalendar } from './synthetic.ts';

/** A finished static study of one factor: `n` candidates of noise starting on different days, one with a real edge. */
function study(n: number, winner: number | null, opts: { failed?: number } = {}): StudyState {
  const dates = weekdayCalendar('2012-01-02', 2400);
  const trials: TrialRecord[] = [];
  for (let id = 0; id < n; id++) {
    const rng = new Rng(1000 + id);
    const start = 300 + 7 * id; // later starts: the common span begins at the latest
    const drift = id === winner ? 2.5 / Math.sqrt(252) * 0.01 : 0;
    const x = new Float64Array(dates.length - start);
    for (let i = 0; i < x.length; i++) x[i] = drift + 0.01 * rng.normal();
    trials.push({
      factor: 'QUAL', id, batch: 0, params: { jumpPenalty: 10 + id, maxFeatures: 5 }, status: 'done', score: 0,
      path: { start, longShort: x }, durationMs: 1, finishedAt: '2024-01-01T00:00:00Z',
    });
  }
  for (let k = 0; k < (opts.failed ?? 0); k++) {
    trials.push({ factor: 'QUAL', id: n + k, batch: 0, params: { jumpPenalty: 1, maxFeatures: 5 }, status: 'failed', error: 'x', score: NaN, durationMs: 1, finishedAt: '' });
  }
  return {
    definition: {
      id: 't', createdAt: '2024-01-01T00:00:00Z', factors: ['QUAL'], spaces: { QUAL: symmetricSpace(14) }, sampler: { kind: 'random' },
      nTrials: n + (opts.failed ?? 0), seed: 0,
      selection: { mode: 'static', validation: { start: '2014-01-01', end: '2018-01-01' }, holdout: { start: '2018-01-01', end: '9999-12-31' } },
    },
    status: 'done', dates, trials,
  };
}

describe('studyOverfitting', () => {
  it('PBO over the common out-of-sample days and the DSR of the chosen candidate, as computed directly', () => {
    const s = study(12, null, { failed: 2 });
    const o = studyOverfitting(s).QUAL!;
    expect(o.candidates).toBe(12); // the failed trials have no returns
    expect(o.blocks).toBe(16);
    const start = 300 + 7 * 11;
    expect(o.days).toBe(2400 - start);
    expect(o.firstDate).toBe(s.dates![start]);
    // Directly: the matrix of the common days, the chosen trial from the static selection.
    const T = o.days, N = 12;
    const m = new Float64Array(T * N);
    for (const t of s.trials) if (t.status === 'done') for (let i = 0; i < T; i++) m[i * N + t.id] = t.path!.longShort[start + i - t.path!.start]!;
    expect(o.pbo).toBe(probabilityOfBacktestOverfitting(m, T, N).pbo);
    const chosen = (selectStudy(s).QUAL as StaticSelection).chosen!.trialId;
    expect(o.chosenTrialId).toBe(chosen);
    const col = (j: number) => Float64Array.from({ length: T }, (_, i) => m[i * N + j]!);
    const sr = Array.from({ length: N }, (_, j) => returnMoments(col(j)).sharpe);
    const mean = sr.reduce((a, b) => a + b, 0) / N;
    const V = sr.reduce((a, b) => a + (b - mean) ** 2, 0) / (N - 1);
    expect(o.deflatedSharpe).toBe(deflatedSharpe(returnMoments(col(chosen)), N, V));
    expect(o.trialsSharpeStd).toBeCloseTo(Math.sqrt(252 * V), 12);
    expect(o.sharpe).toBeCloseTo(sr[chosen]! * Math.sqrt(252), 12);
    expect(JSON.parse(JSON.stringify(o))).toEqual(o);
  });

  it('a planted winner: PBO near 0 and a high deflated Sharpe; pure noise: a low deflated Sharpe', () => {
    const good = studyOverfitting(study(15, 6)).QUAL!;
    expect(good.chosenTrialId).toBe(6);
    expect(good.pbo!).toBeLessThan(0.05);
    expect(good.deflatedSharpe!).toBeGreaterThan(0.9);
    const noise = studyOverfitting(study(15, null)).QUAL!;
    expect(noise.deflatedSharpe!).toBeLessThan(0.5);
    expect(overfittingLines({ QUAL: good }).join('\n')).toMatch(/QUAL {2}PBO \d+\.\d% \(15 candidates, 16 blocks, \d+ common days\)/);
  });

  it('says why when there is too little to measure', () => {
    const one = studyOverfitting(study(1, null)).QUAL!;
    expect(one.pbo).toBeNull();
    expect(one.deflatedSharpe).toBeNull();
    expect(one.note).toMatch(/1 finished candidate: overfitting needs at least 2/);
    expect(studyOverfitting({ ...study(3, null), trials: [] }).QUAL!.candidates).toBe(0);
  });
});
