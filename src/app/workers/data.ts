// The page's side of the data worker (workers/data.worker.ts). Files are read as bytes here (the
// File API belongs to the page) and transferred, not copied, to the worker, which parses them and
// transfers the panel back. The page never parses a price file itself.
import * as Comlink from 'comlink';
import type { DataWorkerApi } from '../../../workers/data.worker.ts';
import type { ImportInput, ImportOptions, ImportResult } from '../../core/data/types.ts';
import type { Panel } from '../../core/data/panel.ts';
import { WorkerPool, type Job } from './pool.ts';

export type CsvFile = Awaited<ReturnType<DataWorkerApi['panelToCsvFiles']>>[number];

export interface ImportOutcome {
  result: ImportResult;
  /** Content hash of the panel (the data set id), null when nothing usable was found. */
  hash: string | null;
  /** Bytes read from the files. */
  bytes: number;
}

export function createDataPool(): WorkerPool<DataWorkerApi> {
  return new WorkerPool<DataWorkerApi>(
    () => new Worker(new URL('../../../workers/data.worker.ts', import.meta.url), { type: 'module', name: 'helix-data' }),
    { label: 'data' },
  );
}

/** Reads each file as bytes (the importer detects BOMs and encodings from the bytes). */
export async function readFiles(files: readonly File[]): Promise<ImportInput[]> {
  return Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
}

export class DataClient {
  constructor(private readonly pool: WorkerPool<DataWorkerApi> = createDataPool()) {}

  /** Imports `files` in the worker. Cancel the job to stop a long parse (the worker is replaced). */
  importFiles(files: readonly File[], options?: ImportOptions): Job<ImportOutcome> {
    return this.pool.run(async (api) => {
      const inputs = await readFiles(files);
      const bytes = inputs.reduce((n, i) => n + (i.bytes?.byteLength ?? 0), 0);
      const buffers = inputs.map((i) => i.bytes!.buffer as ArrayBuffer);
      const { result, hash } = await api.importAndHash(Comlink.transfer(inputs, buffers), options);
      return { result, hash, bytes };
    });
  }

  /** The seeded simulated panel and its content hash. */
  demo(seed?: number): Promise<{ panel: Panel; hash: string }> {
    return this.pool.run((api) => api.demoWithHash(seed)).promise;
  }

  /** CSV files that re-import to `panel` (one per series). */
  csvFiles(panel: Panel): Promise<CsvFile[]> {
    return this.pool.run((api) => api.panelToCsvFiles(panel)).promise;
  }

  dispose(): void {
    this.pool.terminate();
  }
}
