import { describe, it, expect } from 'vitest';
import { runStudy, resumeStudy, isResumable, totalTrials, validateDefinition, StudyError, type StudyProgress } from '../../../src/core/tuning/study.ts';
import { selectStudy, candidatesFromStudy } from '../../../src/core/tuning/select.ts';
import { symmetricSpace, asymmetricSpace, gridCandidates } from '../../../src/core/tuning/space.ts';
import { studyToJSON, studyFromJSON } from '../../../src/core/tuning/serialize.ts';
import type { StudyDefinition, StudyState, TrialRecord, Evaluator } from '../../../src/core/tuning/types.ts';
import { weekdayCalendar, syntheticEvaluator, syntheticPath } from './synthetic.ts';

const dates = weekdayCalendar('2005-01-03', 10 * 261);

function definition(over: Partial<StudyDefinition> = {}): StudyDefinition {
  return {
    id: 'study-1', createdAt: '2025-01-01T00:00:00Z', factors: ['QUAL', 'MTUM'],
    spaces: { QUAL: symmetricSpace(17), MTUM: asymmetricSpace(17, { maxFeatures: { fixed: 6 } }) },
    sampler: { kind: 'tpe', batchSize: 8, nStartup: 8 }, nTrials: 24, seed: 2024,
    selection: { mode: 'rolling', everyMonths: 6, lookbackYears: 3 },
    ...over,
  };
}

/** Trials that matter (done / failed), in a canonical order, without timings. */
function canonical(state: StudyState) {
  return state.trials
    .filter((t) => t.status !== 'cancelled')
    .map(({ durationMs: _d, finishedAt: _f, ...rest }) => rest)
    .sort((a, b) => a.factor.localeCompare(b.factor) || a.id - b.id);
}

describe('study runner: determinism across worker counts', () => {
  it('1 and 3 concurrent workers give identical trials and the same choice, whatever the completion order', async () => {
    const runs: { state: StudyState; order: string[]; maxInFlight: number }[] = [];
    for (const [concurrency, delaySeed] of [[1, 11], [3, 22], [3, 33]] as const) {
      const order: string[] = [];
      let inFlight = 0, maxInFlight = 0;
      const inner = syntheticEvaluator(dates, { delaySeed, maxDelayMs: 6 });
      const evaluate: Evaluator = async (p, t, s) => {
        inFlight++; maxInFlight = Math.max(maxInFlight, inFlight);
        try { return await inner(p, t, s); } finally { inFlight--; }
      };
      const state = await runStudy(definition(), { evaluate, concurrency, onTrial: (t) => { order.push(`${t.factor}#${t.id}`); } });
      runs.push({ state, order, maxInFlight });
    }
    const [one, three, threeAgain] = runs as [typeof runs[0], typeof runs[0], typeof runs[0]];
    expect(one.maxInFlight).toBe(1);
    expect(three.maxInFlight).toBe(3);
    expect(three.order).not.toEqual(one.order); // completion order really differed
    expect(threeAgain.order).not.toEqual(three.order);
    for (const r of runs) {
      expect(r.state.status).toBe('done');
      expect(r.state.trials).toHaveLength(48);
    }
    expect(canonical(three.state)).toEqual(canonical(one.state));
    expect(canonical(threeAgain.state)).toEqual(canonical(one.state));
    const sel1 = selectStudy(one.state), sel3 = selectStudy(three.state);
    expect(sel3).toEqual(sel1);
    // Static mode reads the same paths: same choice too.
    const stat = { mode: 'static' as const, validation: { start: '2007-01-01', end: '2011-01-01' }, holdout: { start: '2011-01-01', end: '2016-01-01' } };
    expect(selectStudy({ ...three.state, definition: { ...three.state.definition, selection: stat } }))
      .toEqual(selectStudy({ ...one.state, definition: { ...one.state.definition, selection: stat } }));
    // TPE really used the history: proposals after the startup batch differ from a random study's.
    const rnd = await runStudy(definition({ sampler: { kind: 'random' } }), { evaluate: syntheticEvaluator(dates, { maxDelayMs: 0 }), concurrency: 3 });
    expect(canonical(rnd).slice(8, 24).map((t) => t.params)).not.toEqual(canonical(one.state).slice(8, 24).map((t) => t.params));
  });

  it('stored paths expand back to the evaluator’s paths', async () => {
    const state = await runStudy(definition({ factors: ['QUAL'], nTrials: 6, sampler: { kind: 'random' } }), { evaluate: syntheticEvaluator(dates, { maxDelayMs: 0 }) });
    const cands = candidatesFromStudy(state, 'QUAL');
    expect(cands).toHaveLength(6);
    for (const c of cands) {
      const ref = syntheticPath(dates, c.params).longShort;
      expect(Array.from(c.longShort)).toEqual(Array.from(ref));
    }
    const t = state.trials[0]!;
    expect(t.path!.start).toBe(300);
    expect(t.summary!.firstDate).toBe(dates[300]);
    expect(t.path!.labels!.length).toBe(dates.length - 300);
    // JSON round trip (the `cli tune --out` file) keeps NaN scores, typed arrays and all.
    const back = studyFromJSON(studyToJSON(state));
    expect(back).toEqual(state);
    expect(back.trials[0]!.path!.longShort).toBeInstanceOf(Float64Array);
  });

  it('grid studies run every grid point once', async () => {
    const def = definition({ factors: ['QUAL'], sampler: { kind: 'grid', pointsPerDimension: 4 }, nTrials: 1 });
    expect(totalTrials(def)).toBe(16);
    const state = await runStudy(def, { evaluate: syntheticEvaluator(dates, { maxDelayMs: 2 }), concurrency: 3 });
    expect(canonical(state).map((t) => t.params)).toEqual(gridCandidates(def.spaces.QUAL!, 4));
  });
});

describe('study runner: failures', () => {
  it('a failing trial is recorded with its error and the study completes', async () => {
    const def = definition({ sampler: { kind: 'tpe', batchSize: 8, nStartup: 8 } });
    const state = await runStudy(def, {
      concurrency: 2,
      evaluate: syntheticEvaluator(dates, { maxDelayMs: 2, failIf: (p) => (p.maxFeatures ?? 0) > 12 }),
    });
    expect(state.status).toBe('done');
    expect(state.trials).toHaveLength(48);
    const failed = state.trials.filter((t) => t.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const t of failed) {
      expect(t.error).toMatch(/^synthetic failure for λ=/);
      expect(t.score).toBeNaN();
      expect(t.path).toBeUndefined();
    }
    const sel = selectStudy(state);
    const failedIds = new Set(failed.filter((t) => t.factor === 'QUAL').map((t) => t.id));
    for (const r of (sel.QUAL as { retunes: { trialId: number | null }[] }).retunes) expect(failedIds.has(r.trialId ?? -1)).toBe(false);
  });

  it('bad paths and synchronous throws become failed trials with a message', async () => {
    let n = 0;
    const state = await runStudy(definition({ factors: ['QUAL'], nTrials: 4, sampler: { kind: 'random' } }), {
      evaluate: (params) => {
        n++;
        if (n === 1) throw new Error('boom');
        if (n === 2) return Promise.resolve(syntheticPath(dates, params));
        if (n === 3) return Promise.resolve({ params, dates: dates.slice(1), longShort: new Float64Array(dates.length - 1) });
        return Promise.resolve({ params, dates, longShort: new Float64Array(5) });
      },
    });
    expect(state.status).toBe('done');
    expect(state.trials.map((t) => t.status)).toEqual(['failed', 'done', 'failed', 'failed']);
    expect(state.trials[0]!.error).toBe('boom');
    expect(state.trials[2]!.error).toMatch(/^the path's calendar \(2609 days, 2005-01-04 … .*\) differs from the study's \(2610 days, 2005-01-03 … .*\) — every candidate must run on the same data$/);
    expect(state.trials[3]!.error).toBe('the path has 5 daily returns for 2610 dates — they must match');
    expect(state.dates).toBe(dates);
  });

  it('a failing save stops the study with status error, keeping what finished', async () => {
    let saved = 0;
    const state = await runStudy(definition({ factors: ['QUAL'], nTrials: 16, sampler: { kind: 'random' } }), {
      concurrency: 2,
      evaluate: syntheticEvaluator(dates, { maxDelayMs: 3 }),
      onTrial: (t) => { if (t.status === 'done' && ++saved === 5) return Promise.reject(new Error('QuotaExceededError')); },
    });
    expect(state.status).toBe('error');
    expect(state.error).toMatch(/saving the study failed: QuotaExceededError/);
    expect(isResumable(state)).toBe(true);
  });

  it('an invalid definition is refused with every problem listed', async () => {
    const bad = definition({ factors: ['QUAL', 'QUAL'], nTrials: 0, spaces: { QUAL: symmetricSpace(17, { jumpPenalty: { low: 0 } }) } });
    const problems = validateDefinition(bad, 17);
    expect(problems.join('\n')).toMatch(/listed twice/);
    expect(problems.join('\n')).toMatch(/nTrials must be/);
    expect(problems.join('\n')).toMatch(/QUAL, jumpPenalty: a log-scaled range needs low > 0/);
    await expect(runStudy(bad, { evaluate: syntheticEvaluator(dates) })).rejects.toThrow(StudyError);
    expect(validateDefinition(definition({ spaces: { QUAL: symmetricSpace(17) } })).join()).toMatch(/no search space for factor MTUM/);
    expect(validateDefinition(definition({ sampler: { kind: 'grid', pointsPerDimension: 0 } })).join()).toMatch(/QUAL: grid for jumpPenalty: points per dimension must be a whole number ≥ 1, got 0/);
    expect(validateDefinition(definition({ sampler: { kind: 'tpe', gamma: 2 } })).join()).toMatch(/gamma must lie strictly between 0 and 1/);
    expect(validateDefinition(definition({ selection: { mode: 'rolling', everyMonths: 0 } })).join()).toMatch(/everyMonths/);
  });
});

describe('study runner: cancel and resume', () => {
  const evaluate = (seed: number) => syntheticEvaluator(dates, { delaySeed: seed, maxDelayMs: 5, failIf: (p) => (p.jumpPenalty ?? 0) > 700 });

  /** Runs until `cancelAfter` trials have finished in this session, then aborts. */
  async function runAndCancel(def: StudyDefinition, previous: StudyState | undefined, cancelAfter: number, seed: number) {
    const ac = new AbortController();
    const saved: TrialRecord[] = [];
    let signalSeen: AbortSignal | undefined;
    const inner = evaluate(seed);
    let n = 0;
    if (cancelAfter === 0) ac.abort();
    const state = await runStudy(def, {
      previous, concurrency: 3, signal: ac.signal,
      evaluate: (p, t, s) => { signalSeen = s; return inner(p, t, s); },
      onTrial: (t) => { saved.push(structuredClone(t)); if (t.status !== 'cancelled' && ++n === cancelAfter) ac.abort(); },
    });
    return { state, saved, signalSeen };
  }

  it('cancelling leaves a consistent, resumable study whose resumed result equals an uninterrupted run', async () => {
    const def = definition();
    const full = await runStudy(def, { evaluate: evaluate(1), concurrency: 2 });
    expect(full.status).toBe('done');

    for (const cuts of [[0, 20], [1, 9, 17], [13], [30, 5, 2]]) {
      let prev: StudyState | undefined;
      for (const [i, cut] of cuts.entries()) {
        const { state, saved, signalSeen } = await runAndCancel(def, prev, cut, 100 + i);
        expect(state.status).toBe('cancelled');
        if (cut > 0) expect(signalSeen!.aborted).toBe(true); // the running evaluations were told to stop
        // Consistent: every trial key at most once among finished trials; cancelled ones carry no result.
        const finished = state.trials.filter((t) => t.status !== 'cancelled');
        expect(new Set(finished.map((t) => `${t.factor}#${t.id}`)).size).toBe(finished.length);
        for (const t of state.trials.filter((x) => x.status === 'cancelled')) {
          expect(t.path).toBeUndefined();
          expect(finished.some((f) => f.factor === t.factor && f.id === t.id)).toBe(false);
        }
        // What the persistence callback saw is exactly this session's part of the state.
        const newOnes = state.trials.slice((prev?.trials.filter((t) => t.status !== 'cancelled').length) ?? 0);
        expect(saved.map((t) => `${t.factor}#${t.id}:${t.status}`)).toEqual(newOnes.map((t) => `${t.factor}#${t.id}:${t.status}`));
        expect(isResumable(state)).toBe(true);
        // Late results of the cancelled evaluations are dropped.
        const count = state.trials.length;
        await new Promise((r) => setTimeout(r, 20));
        expect(state.trials.length).toBe(count);
        prev = structuredClone(state); // as if saved and reloaded
      }
      const resumed = await resumeStudy(prev!, { evaluate: evaluate(999), concurrency: 3 });
      expect(resumed.status).toBe('done');
      expect(isResumable(resumed)).toBe(false);
      expect(canonical(resumed)).toEqual(canonical(full));
      expect(selectStudy(resumed)).toEqual(selectStudy(full));
    }
  });

  it('resuming a finished study does nothing; a changed definition is detected', async () => {
    const def = definition({ factors: ['QUAL'], nTrials: 16 });
    const full = await runStudy(def, { evaluate: evaluate(1), concurrency: 2 });
    let calls = 0;
    const again = await resumeStudy(structuredClone(full), { evaluate: (p, t, s) => { calls++; return evaluate(1)(p, t, s); } });
    expect(calls).toBe(0);
    expect(again.status).toBe('done');
    const changed = structuredClone(full);
    changed.definition.seed = 7;
    changed.trials = changed.trials.filter((t) => t.id < 10);
    const res = await resumeStudy(changed, { evaluate: evaluate(1) });
    expect(res.status).toBe('error');
    expect(res.error).toMatch(/the sampler now proposes .* but the saved trial has .* start a new study/);
  });
});

describe('study runner: progress', () => {
  it('reports done/total, best so far and time left at most every 100 ms, and once at the end', async () => {
    const calls: { at: number; p: StudyProgress }[] = [];
    const state = await runStudy(definition({ nTrials: 16 }), {
      concurrency: 2, evaluate: syntheticEvaluator(dates, { maxDelayMs: 25 }),
      onProgress: (p) => calls.push({ at: performance.now(), p }),
    });
    expect(state.status).toBe('done');
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < calls.length - 1; i++) expect(calls[i]!.at - calls[i - 1]!.at).toBeGreaterThanOrEqual(99);
    const last = calls[calls.length - 1]!.p;
    expect(last.done).toBe(32);
    expect(last.total).toBe(32);
    expect(last.etaMs).toBe(0);
    expect(last.running).toBe(0);
    for (const f of ['QUAL', 'MTUM']) {
      const best = state.trials.filter((t) => t.factor === f).sort((a, b) => b.score - a.score || a.id - b.id)[0]!;
      expect(last.best[f]).toEqual({ trialId: best.id, score: best.score, params: best.params });
    }
    for (const c of calls) expect(c.p.done).toBeLessThanOrEqual(c.p.total);
    expect(calls.map((c) => c.p.done)).toEqual([...calls.map((c) => c.p.done)].sort((a, b) => a - b));
  });

  it('estimates time left from this run’s pace (injected clock)', async () => {
    let clock = 0;
    const seen: StudyProgress[] = [];
    await runStudy(definition({ factors: ['QUAL'], nTrials: 4, sampler: { kind: 'random' } }), {
      now: () => clock, progressIntervalMs: 0,
      evaluate: async (p) => { clock += 1000; return syntheticPath(dates, p); },
      onProgress: (p) => seen.push(p),
    });
    expect(seen[0]).toMatchObject({ done: 0, total: 4, etaMs: null });
    // After 2 trials at 1 s each: 2 s elapsed, 2 left → 2 s.
    expect(seen.find((p) => p.done === 2)).toMatchObject({ elapsedMs: 2000, etaMs: 2000 });
  });
});
