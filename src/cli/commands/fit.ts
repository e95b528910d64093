// `npm run -s cli -- fit`: fit a jump model (jm | sjm | cjm) to a feature matrix from CSV and write
// the result as JSON. Bad input -> one-line error, exit code 2.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import Papa from 'papaparse';
import { CliError, num, parseCli } from '../args.ts';
import {
  fitJumpModel, fitSparseJumpModel, fitContinuousJumpModel, onlineLabels, predict, onlineProba, regimeStats,
  type JumpModelResult, type SparseJumpModelResult,
} from '../../core/regime/index.ts';

export const help = `Fit a jump model to a feature matrix (method.md §3-§5).

Usage:
  npm run -s cli -- fit --x X_train.csv [--ret ret_train.csv] [--test X_test.csv]
    --model jm|sjm|cjm [--k 2] (--jump-penalty 50 | --penalty-matrix "0,60;30,0")
    [--max-features 3] [--grid-size 0.05] [--n-init 10] [--seed 0] [--init-rows starts.json]
    --out result.json

Options:
  --x FILE             features, CSV with a header; a first column named t or date is the index,
                       every other column is a feature (already preprocessed)
  --ret FILE           target returns, one row per row of --x (last column); states are sorted by
                       cumulative return (state 0 = highest). Without it: by frequency
  --test FILE          later rows with the same columns: labelled with the fitted model, smoothed
                       (testLabels) and online from its first row (testOnlineLabels)
  --model M            jm (discrete), sjm (sparse, feature weights), cjm (continuous)
  --k K                number of states (default 2)
  --jump-penalty L     scalar penalty λ (jm, sjm, cjm)
  --penalty-matrix M   K×K penalty in sorted-state coordinates, rows separated by ";", e.g.
                       "0,60;30,0": 60 to go bull→bear (λ_enter), 30 bear→bull (λ_exit). jm, sjm
  --max-features K2    κ², effective number of features, 1 <= κ² <= D (required for sjm)
  --grid-size G        simplex grid step of the cjm (default 0.05)
  --n-init N           k-means++ starts (default 10)
  --seed S             seed of the k-means++ generator (default 0; NumPy-compatible MT19937)
  --init-rows FILE     JSON starts used instead of k-means++: [[i1,…,iK], …] (row indices of --x);
                       for sjm one such list per inner fit, in order: [[[…], …], …]
  --out FILE           where to write the result JSON

Result keys: labels, onlineLabels, testLabels, testOnlineLabels, centers (fitted space),
centersUnweighted, w, featureWeights, objective, nOuterIter, proba (cjm), jumpPenaltyEffective,
stats (frequency, mean duration, switches per year, transition matrix, per-state mean/vol of --ret).

Example:
  npm run -s cli -- fit --x X_train.csv --ret ret_train.csv --test X_test.csv --model sjm \\
    --jump-penalty 50 --max-features 3 --out result.json`;

interface Table { name: string; columns: string[]; index: string[] | null; T: number; D: number; X: Float64Array }

/** Read a numeric CSV: header row, optional first index column named t or date. */
export function readNumericCsv(path: string, what: string): Table {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { throw new CliError(`${what}: cannot read file "${path}"`); }
  const name = basename(path);
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy' });
  const rows = parsed.data;
  if (rows.length < 2) throw new CliError(`${name}: needs a header row and at least one data row`);
  const header = rows[0]!.map((h) => h.trim());
  const hasIndex = /^(t|date)$/i.test(header[0] ?? '');
  const columns = hasIndex ? header.slice(1) : header;
  const D = columns.length;
  if (D < 1) throw new CliError(`${name}: no feature columns after the index column`);
  const T = rows.length - 1;
  const X = new Float64Array(T * D);
  const index: string[] | null = hasIndex ? [] : null;
  for (let r = 1; r < rows.length; r++) {
    const cells = rows[r]!;
    if (cells.length !== header.length) throw new CliError(`${name} line ${r + 1}: ${cells.length} fields, expected ${header.length} like the header`);
    if (index) index.push(cells[0]!.trim());
    for (let d = 0; d < D; d++) {
      const raw = cells[d + (hasIndex ? 1 : 0)]!.trim();
      const v = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(v)) throw new CliError(`${name} line ${r + 1}, column ${columns[d]}: "${raw}" is not a number`);
      X[(r - 1) * D + d] = v;
    }
  }
  return { name, columns, index, T, D, X };
}

/** "0,60;30,0" -> number[][], validated square and non-negative with a zero diagonal. */
export function parsePenaltyMatrix(s: string, K: number): number[][] {
  const rows = s.split(';').map((r) => r.trim()).filter((r) => r.length > 0).map((r) => r.split(',').map((c) => c.trim()));
  const m = rows.map((r, i) => r.map((c, j) => {
    const v = Number(c);
    if (c === '' || !Number.isFinite(v)) throw new CliError(`--penalty-matrix: entry (${i + 1}, ${j + 1}) "${c}" is not a number`);
    return v;
  }));
  for (const [i, r] of m.entries()) if (r.length !== m.length) throw new CliError(`--penalty-matrix: row ${i + 1} has ${r.length} entries but there are ${m.length} rows; the matrix must be square (rows separated by ";")`);
  if (m.length !== K) throw new CliError(`--penalty-matrix: the matrix is ${m.length}×${m.length} but --k is ${K}`);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) {
    if (m[i]![j]! < 0) throw new CliError(`--penalty-matrix: entry (${i + 1}, ${j + 1}) is negative (${m[i]![j]}); penalties must be >= 0`);
    if (i === j && m[i]![j] !== 0) throw new CliError(`--penalty-matrix: diagonal entry (${i + 1}, ${i + 1}) must be 0, got ${m[i]![j]}`);
  }
  return m;
}

function isIntArray(x: unknown, K: number): x is number[] {
  return Array.isArray(x) && x.length === K && x.every((v) => Number.isInteger(v));
}

function readInitRows(path: string, K: number, T: number, sjm: boolean): number[][] | number[][][] {
  let data: unknown;
  try { data = JSON.parse(readFileSync(path, 'utf8')); } catch (e) {
    throw new CliError(`--init-rows: cannot read "${path}" as JSON (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  const checkStarts = (starts: unknown, where: string): number[][] => {
    if (!Array.isArray(starts) || starts.length === 0) throw new CliError(`--init-rows: ${where} must be a non-empty array of starts`);
    starts.forEach((st, i) => {
      if (!isIntArray(st, K)) throw new CliError(`--init-rows: ${where} start ${i + 1} must be an array of ${K} row indices (k = ${K})`);
      for (const r of st) if (r < 0 || r >= T) throw new CliError(`--init-rows: ${where} start ${i + 1} has row ${r}, outside 0…${T - 1}`);
    });
    return starts as number[][];
  };
  if (!sjm) return checkStarts(data, 'the file');
  if (!Array.isArray(data) || data.length === 0) throw new CliError('--init-rows: for sjm the file must be an array with one list of starts per inner fit');
  return data.map((fit, i) => checkStarts(fit, `inner fit ${i + 1}`));
}

const nested = (a: Float64Array, rows: number, cols: number): number[][] =>
  Array.from({ length: rows }, (_, i) => Array.from(a.subarray(i * cols, (i + 1) * cols)));

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCli(argv, {
    x: { type: 'string' }, ret: { type: 'string' }, test: { type: 'string' }, model: { type: 'string' },
    k: { type: 'string' }, 'jump-penalty': { type: 'string' }, 'penalty-matrix': { type: 'string' },
    'max-features': { type: 'string' }, 'grid-size': { type: 'string' }, 'n-init': { type: 'string' },
    seed: { type: 'string' }, 'init-rows': { type: 'string' }, out: { type: 'string' },
  });
  if (!values.x) throw new CliError('--x is required (the feature CSV)');
  if (!values.out) throw new CliError('--out is required (where to write result.json)');
  const model = values.model;
  if (model !== 'jm' && model !== 'sjm' && model !== 'cjm') throw new CliError(`--model must be jm, sjm or cjm, got ${model === undefined ? 'nothing' : `"${model}"`}`);
  const K = num('k', values.k, 2);
  const nInit = num('n-init', values['n-init'], 10);
  const seed = num('seed', values.seed, 0);
  if (!Number.isInteger(K) || K < 2) throw new CliError(`--k must be an integer >= 2, got ${values.k}`);
  if (!Number.isInteger(nInit) || nInit < 1) throw new CliError(`--n-init must be an integer >= 1, got ${values['n-init']}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new CliError(`--seed must be an integer in [0, 4294967295], got ${values.seed}`);

  const x = readNumericCsv(values.x, '--x');
  const { T, D } = x;
  if (K > T) throw new CliError(`--k ${K} is larger than the number of rows of ${x.name} (${T})`);
  let ret: Float64Array | undefined;
  if (values.ret) {
    const r = readNumericCsv(values.ret, '--ret');
    if (r.T !== T) throw new CliError(`${r.name} has ${r.T} rows but ${x.name} has ${T}; give one return per feature row`);
    if (r.index && x.index) {
      const bad = r.index.findIndex((v, i) => v !== x.index![i]);
      if (bad >= 0) throw new CliError(`${r.name} line ${bad + 2}: index "${r.index[bad]}" does not match ${x.name} ("${x.index[bad]}")`);
    }
    ret = new Float64Array(T);
    for (let t = 0; t < T; t++) ret[t] = r.X[t * r.D + r.D - 1]!;
  }
  let test: Table | undefined;
  if (values.test) {
    test = readNumericCsv(values.test, '--test');
    if (test.D !== D) throw new CliError(`${test.name} has ${test.D} feature columns but ${x.name} has ${D}`);
  }
  const hasLam = values['jump-penalty'] !== undefined, hasMat = values['penalty-matrix'] !== undefined;
  if (hasLam && hasMat) throw new CliError('give either --jump-penalty or --penalty-matrix, not both');
  if (!hasLam && !hasMat) throw new CliError('give --jump-penalty (e.g. 50) or --penalty-matrix (e.g. "0,60;30,0")');
  let jumpPenalty: number | undefined, penaltyMatrix: number[][] | undefined;
  if (hasLam) {
    jumpPenalty = num('jump-penalty', values['jump-penalty']);
    if (jumpPenalty < 0) throw new CliError(`--jump-penalty must be >= 0, got ${jumpPenalty}`);
  } else {
    if (model === 'cjm') throw new CliError('--penalty-matrix is not defined for the continuous model; use --jump-penalty');
    penaltyMatrix = parsePenaltyMatrix(values['penalty-matrix']!, K);
  }
  const initRows = values['init-rows'] ? readInitRows(values['init-rows'], K, T, model === 'sjm') : undefined;
  const pen = penaltyMatrix ? { penaltyMatrix } : { jumpPenalty: jumpPenalty! };
  const base = { k: K, nInit, seed, ...(ret ? { ret } : {}), ...pen };

  let res: JumpModelResult;
  try {
    if (model === 'sjm') {
      if (values['max-features'] === undefined) throw new CliError(`--max-features (κ², between 1 and D = ${D}) is required for --model sjm`);
      const kappa2 = num('max-features', values['max-features']);
      if (!(kappa2 >= 1 && kappa2 <= D)) throw new CliError(`--max-features must be in [1, D] = [1, ${D}], got ${kappa2}`);
      res = fitSparseJumpModel(x.X, T, D, { ...base, maxFeatures: kappa2, ...(initRows ? { initRows: initRows as number[][][] } : {}) });
    } else if (model === 'cjm') {
      const gridSize = num('grid-size', values['grid-size'], 0.05);
      if (!(gridSize > 0 && gridSize <= 1)) throw new CliError(`--grid-size must be in (0, 1], got ${gridSize}`);
      res = fitContinuousJumpModel(x.X, T, D, { ...base, jumpPenalty: jumpPenalty!, gridSize, ...(initRows ? { initRows: initRows as number[][] } : {}) });
    } else {
      res = fitJumpModel(x.X, T, D, { ...base, ...(initRows ? { initRows: initRows as number[][] } : {}) });
    }
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(e instanceof Error ? e.message.split('\n')[0]! : String(e));
  }

  const sjm = res.kind === 'sjm' ? (res as SparseJumpModelResult) : null;
  const online = onlineLabels(x.X, T, D, res.fitted);
  let testLabels: number[] | null = null, testOnlineLabels: number[] | null = null;
  let testProba: number[][] | null = null, testOnlineProba: number[][] | null = null;
  if (test) {
    const p = predict(test.X, test.T, D, res.fitted);
    testLabels = Array.from(p.labels);
    testOnlineLabels = Array.from(onlineLabels(test.X, test.T, D, res.fitted));
    if (res.proba) {
      testProba = nested(p.proba, test.T, K);
      testOnlineProba = nested(onlineProba(test.X, test.T, D, res.fitted), test.T, K);
    }
  }
  const centersUnweighted = sjm ? sjm.centersUnweighted : res.centers;
  const st = regimeStats(res.labels, ret ?? null, K);
  const out = {
    model, k: K, T, D, columns: x.columns,
    labels: Array.from(res.labels),
    onlineLabels: Array.from(online),
    testLabels,
    testOnlineLabels,
    centers: nested(res.centers, K, D),
    centersUnweighted: nested(centersUnweighted, K, D),
    w: sjm ? Array.from(sjm.w) : null,
    featureWeights: Array.from(res.fitted.featureWeights),
    objective: res.objective,
    nOuterIter: sjm ? sjm.nOuterIter : null,
    proba: res.proba ? nested(res.proba, T, K) : null,
    testProba,
    testOnlineProba,
    jumpPenaltyEffective: res.jumpPenaltyEffective,
    penaltyMatrixEffective: res.fitted.probVecs ? null : nested(res.fitted.penalty, K, K),
    nIter: res.nIter,
    bestStart: res.bestStart,
    startObjectives: Array.from(res.startObjectives),
    stateReturnMean: res.stateReturnMean ? Array.from(res.stateReturnMean) : null,
    stateReturnVol: res.stateReturnVol ? Array.from(res.stateReturnVol) : null,
    stats: {
      frequency: Array.from(st.frequency),
      meanDuration: Array.from(st.meanDuration),
      switches: st.switches,
      switchesPerYear: st.switchesPerYear,
      transitionMatrix: nested(st.transitionMatrix, K, K),
      mean: Array.from(st.mean),
      vol: Array.from(st.vol),
      meanAnnualised: Array.from(st.meanAnnualised),
      volAnnualised: Array.from(st.volAnnualised),
    },
  };
  try { writeFileSync(values.out, JSON.stringify(out) + '\n'); } catch {
    throw new CliError(`--out: cannot write "${values.out}"`);
  }
  const counts = Array.from(st.count).join('/');
  console.log(`fit ${model} k=${K} on ${T}×${D} (${x.name}): objective ${res.objective.toPrecision(10)}, states ${counts} days${sjm ? `, ${sjm.nOuterIter} outer iterations, ${sjm.selectedFeatures.length} features selected` : ''} -> ${values.out}`);
  return 0;
}
