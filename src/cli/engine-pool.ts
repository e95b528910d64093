// The command line's regime executor: a pool of worker threads (engine-worker.ts), one per core by
// default (`--workers N`), each computing regime paths with the core engine. The coordinator (core
// runPipeline, the tuning study runner) stays on the main thread and only schedules.
import { fileURLToPath } from 'node:url';
import { NodeWorkerPool, PoolAbortError, defaultWorkerCount } from './node-pool.ts';
import type { EngineWorkerData } from './engine-worker.ts';
import type { Panel } from '../core/data/panel.ts';
import type { RegimeExecutor } from '../core/pipeline/run.ts';
import { PipelineCancelled } from '../core/pipeline/run.ts';
import type { RegimeTask, RegimeTaskResult, TaskProgress } from '../core/pipeline/engine.ts';

/** The worker module: the built .mjs beside a bundled command line, the .ts source under tsx. */
function workerModule(): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.mjs';
  return fileURLToPath(new URL(`./engine-worker${ext}`, import.meta.url));
}

export class NodeEngineExecutor implements RegimeExecutor {
  readonly workers: number;
  private readonly pool: NodeWorkerPool<RegimeTask, RegimeTaskResult>;

  constructor(opts: { panel: Panel; dataKey: string; workers?: number; cacheDir?: string | null }) {
    this.workers = defaultWorkerCount(opts.workers);
    const workerData: EngineWorkerData = { dataKey: opts.dataKey, panel: opts.panel, cacheDir: opts.cacheDir ?? null };
    this.pool = new NodeWorkerPool({ module: workerModule(), size: this.workers, workerData });
  }

  async run(task: RegimeTask, onProgress?: (p: TaskProgress) => void, signal?: AbortSignal): Promise<RegimeTaskResult> {
    try {
      return await this.pool.run(task, { signal, onProgress: onProgress as ((p: unknown) => void) | undefined });
    } catch (e) {
      if (e instanceof PoolAbortError) throw new PipelineCancelled();
      throw e;
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
