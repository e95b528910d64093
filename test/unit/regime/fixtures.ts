// Loading the reference fits of `jumpmodels` 0.1.1 (../shared/fixtures/jumpmodels, see its README).
// Shared by the regime tests and test/bench/regime.bench.ts.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURE_DIR = process.env.JUMPMODELS_FIXTURES ?? resolve(repoRoot, '../shared/fixtures/jumpmodels');
export const haveFixtures = existsSync(join(FIXTURE_DIR, 'ref_synA.json'));
export const DATASETS = ['synA', 'synB', 'ndx'] as const;
export type Dataset = (typeof DATASETS)[number];

export interface Matrix { T: number; D: number; X: Float64Array; columns: string[]; index: string[] }

export function readCsvMatrix(path: string): Matrix {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const header = lines[0]!.split(',');
  const columns = header.slice(1);
  const D = columns.length, T = lines.length - 1;
  const X = new Float64Array(T * D);
  const index: string[] = [];
  for (let t = 0; t < T; t++) {
    const cells = lines[t + 1]!.split(',');
    index.push(cells[0]!);
    for (let d = 0; d < D; d++) X[t * D + d] = Number(cells[d + 1]);
  }
  return { T, D, X, columns, index };
}

export function readCsvColumn(path: string): Float64Array {
  const m = readCsvMatrix(path);
  const out = new Float64Array(m.T);
  for (let t = 0; t < m.T; t++) out[t] = m.X[t * m.D + m.D - 1]!;
  return out;
}

export interface TraceFit {
  kmeanspp_rows: number[][];
  warm_start_appended: boolean;
  warm_start_centers?: number[][];
  feat_weights_used?: number[];
  inits: { vals: number[]; n_iter: number }[];
  final_vals: number[];
  best_init_index_first_argmin: number;
  val_: number;
  jump_penalty: number;
}

export interface RefCase {
  case_id: string;
  dataset: Dataset;
  model: 'JM' | 'CJM' | 'SJM';
  params: Record<string, number | boolean | null>;
  fit_call: { ret_ser: string | null; sort_by: string };
  traced_fit_seconds: number;
  labels_fit: number[];
  labels_online_train: number[];
  labels_predict_test: number[];
  labels_online_test: number[];
  centers: number[][];
  val: number;
  jump_penalty_effective: number;
  transmat: number[][];
  ret_: number[];
  vol_: number[];
  w?: number[];
  feat_weights?: number[];
  centers_unweighted?: number[][];
  n_outer_iter?: number;
  inner_jump_penalty?: number;
  proba_fit?: number[][];
  proba_online_test?: number[][];
  proba_predict_test?: number[][];
  n_candidates?: number;
  trace?: TraceFit[];
}

export interface LoadedDataset {
  name: Dataset;
  train: Matrix;
  test: Matrix;
  retTrain: Float64Array;
  retTest: Float64Array;
  cases: RefCase[];
}

const cache = new Map<Dataset, LoadedDataset>();
export function loadDataset(name: Dataset): LoadedDataset {
  const hit = cache.get(name);
  if (hit) return hit;
  const d = (f: string) => join(FIXTURE_DIR, 'data', f);
  const ref = JSON.parse(readFileSync(join(FIXTURE_DIR, `ref_${name}.json`), 'utf8')) as { cases: RefCase[] };
  const ds: LoadedDataset = {
    name,
    train: readCsvMatrix(d(`${name}_X_train.csv`)),
    test: readCsvMatrix(d(`${name}_X_test.csv`)),
    retTrain: readCsvColumn(d(`${name}_ret_train.csv`)),
    retTest: readCsvColumn(d(`${name}_ret_test.csv`)),
    cases: ref.cases,
  };
  cache.set(name, ds);
  return ds;
}

/** Median fit seconds per case from timings.md. */
export function referenceMedianSeconds(): Map<string, number> {
  const out = new Map<string, number>();
  const p = join(FIXTURE_DIR, 'timings.md');
  if (!existsSync(p)) return out;
  for (const line of readFileSync(p, 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length >= 7 && /^(synA|synB|ndx)_/.test(cells[1]!)) out.set(cells[1]!, Number(cells[5]));
  }
  return out;
}

export const flat = (m: number[][]): Float64Array => Float64Array.from(m.flat());
export const caseK = (c: RefCase): number => Number(c.params.n_components);
export const caseInit = (c: RefCase): number => Number(c.model === 'SJM' ? c.params.n_init_jm : c.params.n_init);
export const usesRet = (c: RefCase): boolean => c.fit_call.ret_ser !== null;
