// A worker thread of the command line's engine pool (engine-pool.ts): computes regime paths (one
// factor and strategy, or one tuning candidate) with the core engine, against its own memory cache
// and, with `--cache DIR`, the shared folder cache. The panel arrives once, as workerData.
import { workerData, type TransferListItem } from 'node:worker_threads';
import { serveWorker, withTransfer } from './node-pool.ts';
import { Engine, type RegimeTask, type RegimeTaskResult } from '../core/pipeline/engine.ts';
import { FailSafeCache, LayeredCache, MemoryCache, type RegimeCache } from '../core/pipeline/cache.ts';
import type { Panel } from '../core/data/panel.ts';
import { DirCache } from './dir-cache.ts';

export interface EngineWorkerData {
  dataKey: string;
  panel: Panel;
  /** Folder of the persistent cache (`--cache DIR`), or null for memory only. */
  cacheDir: string | null;
}

const { dataKey, panel, cacheDir } = workerData as EngineWorkerData;
const layers: RegimeCache[] = [new MemoryCache(128 * 2 ** 20)];
if (cacheDir) {
  layers.push(new FailSafeCache(new DirCache(cacheDir), (e) => {
    console.error(`warning: the cache folder ${cacheDir} cannot be used (${e instanceof Error ? e.message : String(e)}); going on without it`);
  }));
}
const engine = new Engine(new LayeredCache(layers));
engine.setData(dataKey, panel);

serveWorker(async (task: RegimeTask, progress): Promise<RegimeTaskResult> => {
  const r = await engine.regimes(task, progress);
  const transfer: TransferListItem[] = [r.path.labels.buffer as ArrayBuffer, r.path.mu.buffer as ArrayBuffer];
  if (r.path.inSampleLabels) transfer.push(r.path.inSampleLabels.buffer as ArrayBuffer);
  if (r.longShort) transfer.push(r.longShort.buffer as ArrayBuffer);
  return withTransfer(r, transfer);
});
