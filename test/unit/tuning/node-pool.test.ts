import { describe, it, expect, afterEach } from 'vitest';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { NodeWorkerPool, PoolAbortError, defaultWorkerCount } from '../../../src/cli/node-pool.ts';
import { runStudy } from '../../../src/core/tuning/study.ts';
import { selectStudy } from '../../../src/core/tuning/select.ts';
import { symmetricSpace } from '../../../src/core/tuning/space.ts';
import type { CandidatePath, StudyDefinition } from '../../../src/core/tuning/types.ts';
import type { TestRequest } from './fixtures/test-worker.ts';
import { weekdayCalendar } from './synthetic.ts';

const WORKER = fileURLToPath(new URL('./fixtures/test-worker.ts', import.meta.url));
const pools: NodeWorkerPool<TestRequest, unknown>[] = [];
function pool(size: number, workerData?: unknown) {
  const p = new NodeWorkerPool<TestRequest, unknown>({ module: WORKER, size, workerData });
  pools.push(p);
  return p;
}
afterEach(async () => { await Promise.all(pools.splice(0).map((p) => p.close())); });

describe('node worker-thread pool (TypeScript worker through tsx)', () => {
  it('sizes from the machine, or as requested (more than the cores share them)', () => {
    const cores = availableParallelism();
    expect(defaultWorkerCount()).toBe(cores);
    expect(defaultWorkerCount(1)).toBe(1);
    expect(defaultWorkerCount(cores + 5)).toBe(cores + 5);
    expect(() => defaultWorkerCount(0)).toThrow(/whole number ≥ 1/);
  });

  it('runs requests in worker threads and returns their results', async () => {
    const p = pool(2, { tag: 'hello' });
    const xs = await Promise.all([1, 2, 3, 4, 5].map((x) => p.run({ op: 'square', x })));
    expect(xs).toEqual([1, 4, 9, 16, 25]);
    const info = (await p.run({ op: 'info' })) as { threadId: number; workerData: unknown };
    expect(info.threadId).toBeGreaterThan(0);
    expect(info.workerData).toEqual({ tag: 'hello' });
    expect(p.liveWorkers).toBeLessThanOrEqual(2);
    const buf = (await p.run({ op: 'buffer', n: 1000 })) as Float64Array;
    expect(buf).toBeInstanceOf(Float64Array);
    expect(buf[999]).toBe(1.5);
  });

  it('runs up to `size` tasks at once, on distinct threads', async () => {
    const p = pool(2);
    await Promise.all([p.run({ op: 'square', x: 1 }), p.run({ op: 'square', x: 2 })]); // warm both workers
    const r = (await Promise.all([0, 1, 2, 3].map(() => p.run({ op: 'sleep', ms: 150 })))) as { threadId: number; start: number }[];
    expect(new Set(r.map((x) => x.threadId)).size).toBe(2);
    // Two at a time: the first two start together, the last two after them.
    const starts = r.map((x) => x.start).sort((a, b) => a - b);
    expect(starts[1]! - starts[0]!).toBeLessThan(145); // serial would be ≥ 150
    expect(starts[2]! - starts[0]!).toBeGreaterThanOrEqual(140);
  });

  it('a handler error rejects that task only; the worker keeps serving', async () => {
    const p = pool(1);
    await expect(p.run({ op: 'throw', message: 'bad input' })).rejects.toThrow('bad input');
    await expect(p.run({ op: 'throw', message: 'x' })).rejects.toMatchObject({ name: 'RangeError' });
    expect(await p.run({ op: 'square', x: 3 })).toBe(9);
  });

  it('a crashing worker rejects its task and is replaced', async () => {
    const p = pool(1);
    await expect(p.run({ op: 'crash' })).rejects.toThrow(/crashed: unhandled in worker/);
    expect(await p.run({ op: 'square', x: 4 })).toBe(16);
  });

  it('cancellation terminates the worker at once; the pool goes on with a fresh one', async () => {
    const p = pool(1);
    const first = (await p.run({ op: 'info' })) as { threadId: number };
    const ac = new AbortController();
    const hung = p.run({ op: 'hang' }, { signal: ac.signal });
    const queued = p.run({ op: 'square', x: 5 }, { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 30));
    const t0 = performance.now();
    ac.abort();
    await expect(hung).rejects.toBeInstanceOf(PoolAbortError);
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - t0).toBeLessThan(50);
    const next = (await p.run({ op: 'info' })) as { threadId: number };
    expect(next.threadId).not.toBe(first.threadId);
    // cancelAll stops everything that runs or waits.
    const a = p.run({ op: 'hang' }), b = p.run({ op: 'hang' });
    p.cancelAll();
    await expect(a).rejects.toBeInstanceOf(PoolAbortError);
    await expect(b).rejects.toBeInstanceOf(PoolAbortError);
    expect(p.liveWorkers).toBe(0);
    expect(await p.run({ op: 'square', x: 6 })).toBe(36);
    await p.close();
    await expect(p.run({ op: 'square', x: 1 })).rejects.toThrow(/closed/);
  });

  it('a study evaluated by 1 and by 3 worker threads gives identical trials and choice', async () => {
    const dates = weekdayCalendar('2006-01-02', 8 * 261);
    const def: StudyDefinition = {
      id: 'pool-study', createdAt: '2025-01-01T00:00:00Z', factors: ['QUAL'], spaces: { QUAL: symmetricSpace(17) },
      sampler: { kind: 'tpe', batchSize: 6, nStartup: 6 }, nTrials: 18, seed: 5, selection: { mode: 'rolling', lookbackYears: 2 },
    };
    const results = [];
    for (const size of [1, 3]) {
      const p = pool(size);
      const state = await runStudy(def, {
        concurrency: size,
        evaluate: (params, _t, signal) => p.run({ op: 'path', dates, params }, { signal }) as Promise<CandidatePath>,
      });
      expect(state.status).toBe('done');
      results.push({ trials: state.trials.map(({ durationMs: _d, finishedAt: _f, ...t }) => t).sort((a, b) => a.id - b.id), selection: selectStudy(state) });
    }
    expect(results[1]).toEqual(results[0]);
  });
});
