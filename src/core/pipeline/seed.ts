// A seed cache: finished regime paths of one data set and configuration, shipped as a file so that
// a page can show that backtest without fitting a model (the simulated demo on first open). It is
// made by the project's own engine (`npm run -s cli -- demo-cache`), a test recomputes it and checks
// it is identical, and it is named like any cached value (task names cover the engine version, the
// data set's content hash and every setting), so a file made by another engine version is simply
// never used.
import { gunzipSync, gzipSync } from 'fflate';
import { decodeValue, encodeValue } from './codec.ts';
import { ENGINE_VERSION } from './keys.ts';
import { taskName } from './run.ts';
import { muFromLabels, type FactorPath, type RefitRecord } from '../backtest/regimePath.ts';
import type { RegimeTaskResult } from './engine.ts';

export const SEED_FORMAT = 'helix-seed-cache/1';

interface StoredPath {
  ticker: string;
  labels: Int8Array;
  refits: RefitRecord[];
  inSampleLabels: Int32Array | null;
}

interface SeedFile {
  format: typeof SEED_FORMAT;
  engine: string;
  dataKey: string;
  /** Task name → the task's path (without μ, rebuilt from the labels) and calendar. */
  entries: [string, { path: StoredPath; calendar: RegimeTaskResult['calendar'] }][];
}

/** The file's bytes for the finished tasks `results` (names from engine.ts taskKey). */
export function encodeSeed(dataKey: string, results: [taskKey: string, result: RegimeTaskResult][]): Uint8Array {
  const file: SeedFile = {
    format: SEED_FORMAT, engine: ENGINE_VERSION, dataKey,
    entries: results.map(([k, r]) => [taskName(k), {
      path: { ticker: r.path.ticker, labels: r.path.labels, refits: r.path.refits, inSampleLabels: r.path.inSampleLabels },
      calendar: r.calendar,
    }]),
  };
  return gzipSync(encodeValue(file), { level: 9, mtime: 0 });
}

export interface SeedContents {
  engine: string;
  dataKey: string;
  /** Entries for a task cache (pipeline/run.ts taskCache), μ rebuilt. */
  entries: [string, { path: FactorPath; calendar: RegimeTaskResult['calendar'] }][];
}

/** Reads a seed file; throws on anything that is not one. */
export function decodeSeed(bytes: Uint8Array): SeedContents {
  const file = decodeValue(gunzipSync(bytes)) as Partial<SeedFile>;
  if (file.format !== SEED_FORMAT || typeof file.engine !== 'string' || typeof file.dataKey !== 'string' || !Array.isArray(file.entries)) {
    throw new Error('not a Helix seed cache file');
  }
  return {
    engine: file.engine, dataKey: file.dataKey,
    entries: file.entries.map(([name, v]) => [name, {
      path: { ...v.path, mu: muFromLabels(v.path.labels, v.path.refits) },
      calendar: v.calendar,
    }]),
  };
}

/** The entries of a seed file usable for `dataKey` by this engine (none when it was made by another version). */
export function usableSeed(bytes: Uint8Array, dataKey: string): SeedContents['entries'] {
  const s = decodeSeed(bytes);
  return s.engine === ENGINE_VERSION && s.dataKey === dataKey ? s.entries : [];
}
