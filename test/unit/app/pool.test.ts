// The worker pool's queueing, cancel, crash and progress behaviour, in node: each "worker" is a
// MessageChannel whose far port exposes an API with comlink in this same process, so the pool code
// under test is exactly the browser code (real Workers are exercised in test/e2e/data.e2e.ts).
import { describe, it, expect } from 'vitest';
import * as Comlink from 'comlink';
import { WorkerPool, CancelledError, isCancelled, progressCallback, type PoolWorker } from '../../../src/app/workers/pool.ts';
import { throttle } from '../../../src/core/throttle.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function makeApi(log: { started: string[]; active: number; maxActive: number; finished: string[] }) {
  return {
    async slow(id: string, ms: number): Promise<string> {
      log.started.push(id);
      log.active++;
      log.maxActive = Math.max(log.maxActive, log.active);
      await sleep(ms);
      log.active--;
      log.finished.push(id);
      return `done ${id}`;
    },
    async fail(message: string): Promise<never> {
      throw new RangeError(message);
    },
    async chatty(n: number, onProgress: (p: number) => void): Promise<number> {
      for (let i = 1; i <= n; i++) {
        onProgress(i / n);
        await sleep(1);
      }
      return n;
    },
  };
}
type Api = ReturnType<typeof makeApi>;

interface FakeWorker extends PoolWorker { terminated: boolean; dispatchEvent(ev: Event): boolean }

function harness(size: number) {
  const log = { started: [] as string[], active: 0, maxActive: 0, finished: [] as string[] };
  const workers: FakeWorker[] = [];
  const pool = new WorkerPool<Api>(() => {
    const { port1, port2 } = new MessageChannel();
    const api = makeApi(log);
    Comlink.expose(api, port2 as unknown as Comlink.Endpoint);
    const w = port1 as unknown as FakeWorker;
    w.terminated = false;
    w.terminate = () => { w.terminated = true; port1.close(); port2.close(); };
    workers.push(w);
    return w;
  }, { size, label: 'test' });
  return { pool, log, workers };
}

describe('WorkerPool', () => {
  it('runs jobs on at most `size` workers at once, first in first out', async () => {
    const { pool, log, workers } = harness(2);
    const jobs = ['a', 'b', 'c', 'd', 'e'].map((id) => pool.run((api) => api.slow(id, 15)));
    expect(pool.running).toBe(2);
    expect(pool.queued).toBe(3);
    const results = await Promise.all(jobs.map((j) => j.promise));
    expect(results).toEqual(['done a', 'done b', 'done c', 'done d', 'done e']);
    expect(log.maxActive).toBe(2);
    expect(log.started).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(workers).toHaveLength(2); // workers are reused, not started per job
    expect(jobs.every((j) => j.status === 'done')).toBe(true);
    pool.terminate();
  });

  it('passes a worker error back as an Error with its message', async () => {
    const { pool } = harness(1);
    const job = pool.run((api) => api.fail('SPY.csv row 3: bad date'));
    await expect(job.promise).rejects.toThrow('SPY.csv row 3: bad date');
    expect(job.status).toBe('failed');
    // The worker survives an ordinary thrown error and takes the next job.
    await expect(pool.run((api) => api.slow('x', 1)).promise).resolves.toBe('done x');
    pool.terminate();
  });

  it('drops a queued job on cancel without ever running it', async () => {
    const { pool, log } = harness(1);
    const first = pool.run((api) => api.slow('first', 20));
    const second = pool.run((api) => api.slow('second', 1));
    second.cancel();
    await expect(second.promise).rejects.toBeInstanceOf(CancelledError);
    expect(second.status).toBe('cancelled');
    await first.promise;
    await sleep(10);
    expect(log.started).toEqual(['first']);
    pool.terminate();
  });

  it('terminates a running job\'s worker on cancel and starts a fresh one', async () => {
    const { pool, workers } = harness(1);
    const job = pool.run((api) => api.slow('long', 10_000));
    const next = pool.run((api) => api.slow('next', 1));
    await sleep(5);
    job.cancel();
    await expect(job.promise).rejects.toSatisfy(isCancelled);
    expect(workers[0].terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(workers[1].terminated).toBe(false);
    await expect(next.promise).resolves.toBe('done next'); // the queue moves on, on the fresh worker
    job.cancel(); // cancelling twice is harmless
    expect(pool.workersStarted).toBe(2);
    pool.terminate();
  });

  it('cancels through an AbortSignal, including one aborted before the start', async () => {
    const { pool } = harness(1);
    const ac = new AbortController();
    const job = pool.run((api) => api.slow('x', 10_000), { signal: ac.signal });
    await sleep(5);
    ac.abort();
    await expect(job.promise).rejects.toBeInstanceOf(CancelledError);
    const pre = new AbortController();
    pre.abort();
    await expect(pool.run((api) => api.slow('y', 1), { signal: pre.signal }).promise).rejects.toBeInstanceOf(CancelledError);
    pool.terminate();
  });

  it('turns a crashed worker into a plain message and replaces it', async () => {
    const { pool, workers } = harness(1);
    const job = pool.run((api) => api.slow('doomed', 10_000));
    await sleep(5);
    const ev = Object.assign(new Event('error'), { message: 'Uncaught RangeError: out of memory' });
    workers[0].dispatchEvent(ev);
    await expect(job.promise).rejects.toThrow('The test worker failed: Uncaught RangeError: out of memory. The job was stopped; try again, and reload the page if it keeps failing.');
    expect(workers[0].terminated).toBe(true);
    await expect(pool.run((api) => api.slow('after', 1)).promise).resolves.toBe('done after');
    expect(workers).toHaveLength(2);
    pool.terminate();
  });

  it('throttles progress to about 10 calls a second and always delivers the last value', async () => {
    const { pool } = harness(1);
    const seen: number[] = [];
    const t0 = Date.now();
    const n = await pool.run((api) => api.chatty(200, progressCallback((p: number) => seen.push(p)))).promise;
    const elapsed = Date.now() - t0;
    await sleep(150); // the trailing call lands at most one interval later
    expect(n).toBe(200);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBeLessThanOrEqual(Math.ceil((elapsed + 150) / 100) + 1);
    expect(seen[seen.length - 1]).toBe(1);
    pool.terminate();
  });

  it('refuses new work after terminate with a message saying what to do', async () => {
    const { pool } = harness(1);
    const running = pool.run((api) => api.slow('x', 10_000));
    pool.terminate();
    await expect(running.promise).rejects.toBeInstanceOf(CancelledError);
    await expect(pool.run((api) => api.slow('y', 1)).promise).rejects.toThrow(/shut down: reload the page/);
  });
});

describe('throttle', () => {
  function fakeClock() {
    let t = 0;
    const timers: { at: number; cb: () => void; id: number }[] = [];
    let nextId = 1;
    return {
      now: () => t,
      setTimeout: (cb: () => void, ms: number) => { const id = nextId++; timers.push({ at: t + ms, cb, id }); return id; },
      clearTimeout: (h: unknown) => { const i = timers.findIndex((x) => x.id === h); if (i >= 0) timers.splice(i, 1); },
      advance(ms: number) {
        const end = t + ms;
        for (;;) {
          timers.sort((a, b) => a.at - b.at);
          const next = timers[0];
          if (!next || next.at > end) break;
          timers.shift();
          t = next.at;
          next.cb();
        }
        t = end;
      },
    };
  }

  it('lets the first call through, coalesces a burst and delivers its latest value', () => {
    const clock = fakeClock();
    const calls: number[] = [];
    const f = throttle((x: number) => calls.push(x), 100, clock);
    f(1); f(2); f(3);
    expect(calls).toEqual([1]);
    clock.advance(99);
    expect(calls).toEqual([1]);
    clock.advance(1);
    expect(calls).toEqual([1, 3]);
    clock.advance(500);
    f(4);
    expect(calls).toEqual([1, 3, 4]);
  });

  it('never exceeds one call per interval under a steady stream', () => {
    const clock = fakeClock();
    const at: number[] = [];
    const f = throttle(() => at.push(clock.now()), 100, clock);
    for (let i = 0; i < 1000; i++) { f(); clock.advance(3); }
    clock.advance(200);
    for (let i = 1; i < at.length; i++) expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(100);
    expect(at.length).toBeGreaterThanOrEqual(29); // ~3000 ms / 100 ms
    expect(at.length).toBeLessThanOrEqual(32);
  });

  it('inside a synchronous loop (no timer can fire) a call still goes through each time the interval has passed', () => {
    let t = 0;
    const clock = { now: () => t, setTimeout: () => 1, clearTimeout: () => {} };
    const calls: number[] = [];
    const f = throttle((x: number) => calls.push(x), 100, clock);
    for (let i = 0; i <= 550; i++) { f(i); t++; }
    expect(calls).toEqual([0, 100, 200, 300, 400, 500]);
    f.flush();
    expect(calls).toEqual([0, 100, 200, 300, 400, 500, 550]);
  });

  it('flush delivers the pending call now; cancel drops it', () => {
    const clock = fakeClock();
    const calls: string[] = [];
    const f = throttle((x: string) => calls.push(x), 100, clock);
    f('a'); f('b'); f.flush();
    expect(calls).toEqual(['a', 'b']);
    clock.advance(200);
    f('c'); f('d'); f.cancel();
    clock.advance(500);
    expect(calls).toEqual(['a', 'b', 'c']);
  });
});
