// The live-fit worker ("Fit one model live" on the Regimes screen): fits ONE sparse jump model with
// core liveFit (src/core/backtest/liveFit.ts) and reports every EM iteration as it happens. A thin
// comlink shell: the iterations since the last report are posted at most 10 times a second (the
// project's one throttle; the fit is one synchronous loop, so it gates on the clock and the last
// batch is flushed at the end). Cancel is the pool's job: it terminates this worker.
import { expose } from 'comlink';
import type { Panel } from '../src/core/data/panel.ts';
import type { RunConfig } from '../src/core/config.ts';
import { liveFit, emptyBatch, type IterationBatch, type LiveFitProgress, type LiveFitRequest, type LiveFitResult } from '../src/core/backtest/liveFit.ts';
import { throttle } from '../src/core/throttle.ts';

export type { IterationBatch, LiveFitProgress, LiveFitRequest, LiveFitResult };

const api = {
  /**
   * Fits one sparse jump model on the training window of `request` and returns it. `onProgress`
   * (a comlink proxy) receives the iterations as they happen, at most 10 times a second.
   */
  fit(panel: Panel, config: RunConfig, request: LiveFitRequest, onProgress?: (p: LiveFitProgress) => void): LiveFitResult {
    const t0 = performance.now();
    let batch = emptyBatch();
    let weights: { fit: number; w: number[] }[] = [];
    let iterations = 0;
    let lastFit = -1;
    const send = onProgress ? throttle(() => {
      void onProgress({ batch, weights, iterations, elapsedMs: performance.now() - t0 });
      batch = emptyBatch();
      weights = [];
    }, 100) : null;
    const result = liveFit(panel, config, request, (info) => {
      iterations++;
      batch.fit.push(info.fit); batch.start.push(info.start); batch.iter.push(info.iter); batch.objective.push(info.objective);
      if (info.fit !== lastFit && info.w) { lastFit = info.fit; weights.push({ fit: info.fit, w: Array.from(info.w) }); }
      send?.();
    });
    if (send) { send(); send.flush(); }
    return result;
  },
};

export type FitWorkerApi = typeof api;

expose(api);
