// Study persistence over fake-indexeddb (the browser's IndexedDB in node).
import 'fake-indexeddb/auto';
import { describe, it, expect } from 'vitest';
import { promisifyRequest, type UseStore } from 'idb-keyval';
import { createKeyvalStore } from '../../../src/storage/db.ts';
import { StudyStore } from '../../../src/storage/studies.ts';
import { StorageError } from '../../../src/storage/errors.ts';
import { runStudy, resumeStudy, isResumable } from '../../../src/core/tuning/study.ts';
import { selectStudy } from '../../../src/core/tuning/select.ts';
import { symmetricSpace } from '../../../src/core/tuning/space.ts';
import type { StudyDefinition, StudyState } from '../../../src/core/tuning/types.ts';
import { weekdayCalendar, syntheticEvaluator } from './synthetic.ts';

let n = 0;
const dbNames = new Map<UseStore, string>();
/** A fresh, empty database per test. */
function freshDb(): UseStore {
  const name = `helix-studies-test-${process.pid}-${++n}`;
  const db = createKeyvalStore(name);
  dbNames.set(db, name);
  return db;
}
/** Another connection to the same database, as a reloaded page would open. */
function reopen(db: UseStore): UseStore {
  return createKeyvalStore(dbNames.get(db)!);
}
const dates = weekdayCalendar('2005-01-03', 6 * 261);

function def(id: string, over: Partial<StudyDefinition> = {}): StudyDefinition {
  return {
    id, name: `Study ${id}`, createdAt: '2025-03-01T10:00:00Z', factors: ['QUAL', 'VLUE'],
    spaces: { QUAL: symmetricSpace(17), VLUE: symmetricSpace(14) },
    sampler: { kind: 'tpe', batchSize: 4, nStartup: 4 }, nTrials: 12, seed: 77,
    selection: { mode: 'rolling', lookbackYears: 2 }, context: { datasetId: 'abc123', note: 'test' },
    ...over,
  };
}

const canonical = (s: StudyState) => s.trials.filter((t) => t.status !== 'cancelled')
  .map((t) => ({ ...t })).sort((a, b) => a.factor.localeCompare(b.factor) || a.id - b.id);

describe('saved studies (IndexedDB)', () => {
  it('saves trials as they finish; a reload lists and loads the study exactly', async () => {
    const db = freshDb();
    const store = new StudyStore(db, 'session-1');
    const rec = store.recorder();
    const seenDuringRun: number[] = [];
    const state = await runStudy(def('s1'), {
      concurrency: 2, evaluate: syntheticEvaluator(dates, { maxDelayMs: 3, failIf: (p) => p.jumpPenalty! > 600 }),
      onTrial: async (t, s) => { await rec.onTrial(t, s); seenDuringRun.push((await store.load('s1'))!.trials.length); },
      onStatus: rec.onStatus,
    });
    expect(state.status).toBe('done');
    expect(seenDuringRun).toEqual(seenDuringRun.map((_, i) => i + 1)); // stored incrementally, one by one

    const reloaded = new StudyStore(reopen(db), 'session-2'); // a new page session on the same database
    const list = await reloaded.list();
    expect(list).toHaveLength(1);
    const failed = state.trials.filter((t) => t.status === 'failed').length;
    expect(list[0]).toMatchObject({ id: 's1', name: 'Study s1', status: 'done', done: 24, failed, total: 24, resumable: false, factors: ['QUAL', 'VLUE'], sampler: 'tpe', selection: 'rolling' });
    for (const f of ['QUAL', 'VLUE']) {
      const best = state.trials.filter((t) => t.factor === f && t.status === 'done').sort((a, b) => b.score - a.score || a.id - b.id)[0]!;
      expect(list[0]!.best[f]).toEqual({ trialId: best.id, score: best.score, params: best.params });
    }
    const loaded = (await reloaded.load('s1'))!;
    expect(loaded.definition).toEqual(state.definition);
    expect(loaded.status).toBe('done');
    expect(loaded.dates).toEqual(dates);
    expect(canonical(loaded)).toEqual(canonical(state));
    expect(loaded.trials[0]!.path!.longShort).toBeInstanceOf(Float64Array);
    expect(selectStudy(loaded)).toEqual(selectStudy(state));
    expect(await reloaded.load('nope')).toBeUndefined();
  });

  it('a cancelled study loads as resumable and resuming it gives the uninterrupted result', async () => {
    const db = freshDb();
    const evaluate = syntheticEvaluator(dates, { maxDelayMs: 4 });
    const full = await runStudy(def('ref'), { evaluate, concurrency: 2 });

    const store = new StudyStore(db, 'tab-A');
    const ac = new AbortController();
    let k = 0;
    const rec = store.recorder();
    const cancelled = await runStudy(def('s2'), {
      concurrency: 3, signal: ac.signal, evaluate,
      // abort before the (slow, under load) storage write, so that the cancel never races the last trials
      onTrial: async (t, s) => { if (t.status === 'done' && ++k === 7) ac.abort(); await rec.onTrial(t, s); },
      onStatus: rec.onStatus,
    });
    expect(cancelled.status).toBe('cancelled');
    const after = new StudyStore(reopen(db), 'tab-B');
    const summary = (await after.list())[0]!;
    expect(summary).toMatchObject({ id: 's2', status: 'cancelled', resumable: true });
    expect(summary.done).toBe(cancelled.trials.filter((t) => t.status !== 'cancelled').length);
    const loaded = (await after.load('s2'))!;
    expect(isResumable(loaded)).toBe(true);
    const resumed = await resumeStudy(loaded, { evaluate, concurrency: 2, ...after.recorder() });
    expect(resumed.status).toBe('done');
    const final = (await after.load('s2'))!;
    expect(final.status).toBe('done');
    expect(final.trials.every((t) => t.status !== 'cancelled')).toBe(true); // re-run trials replaced their cancelled records
    const strip = (s: StudyState) => canonical(s).map(({ durationMs: _d, finishedAt: _f, ...t }) => t);
    expect(strip(final)).toEqual(strip(full));
    expect(selectStudy(final)).toEqual(selectStudy({ ...full, definition: { ...full.definition, id: 's2' } }));
  });

  it('a study left running by an earlier page session shows as interrupted and resumable', async () => {
    const db = freshDb();
    const tabA = new StudyStore(db, 'A');
    const state: StudyState = { definition: def('s3'), status: 'running', trials: [] };
    await tabA.save(state);
    expect((await tabA.list())[0]!.status).toBe('running'); // the same session: still running here
    const tabB = new StudyStore(reopen(db), 'B');
    expect((await tabB.list())[0]).toMatchObject({ status: 'interrupted', resumable: true, done: 0, total: 24 });
    expect((await tabB.load('s3'))!.status).toBe('interrupted');
  });

  it('delete removes the study and every trial; other studies stay', async () => {
    const db = freshDb();
    const store = new StudyStore(db);
    for (const id of ['d1', 'd2']) await runStudy(def(id, { nTrials: 4, sampler: { kind: 'random' } }), { evaluate: syntheticEvaluator(dates, { maxDelayMs: 0 }), ...store.recorder() });
    expect((await store.list()).map((s) => s.id).sort()).toEqual(['d1', 'd2']);
    await store.delete('d1');
    expect((await store.list()).map((s) => s.id)).toEqual(['d2']);
    const keys = await db('readonly', (s) => promisifyRequest(s.getAllKeys())) as unknown[][];
    expect(keys.some((k) => k[1] === 'd1')).toBe(false);
    expect(keys.filter((k) => k[0] === 'trial' && k[1] === 'd2')).toHaveLength(8);
    await store.delete('missing'); // no error
  });

  it('a failing database gives a StorageError that says what, where and what to do', async () => {
    const broken: UseStore = () => Promise.reject(Object.assign(new Error('quota'), { name: 'QuotaExceededError' }));
    const store = new StudyStore(broken);
    const state: StudyState = { definition: def('s4'), status: 'running', trials: [] };
    const err = await store.save(state).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as Error).message).toMatch(/^Saving study “Study s4” failed: the storage space the browser allows this site is full \(.*helix-studies.*\)\. Delete/);
  });
});

