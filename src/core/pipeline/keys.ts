// Names of the pipeline's values (conventions.md "Results are values named by their inputs"): each
// is the SHA-256 of everything the value depends on, including ENGINE_VERSION.
//
// - A factor's inputs are hashed as one stream of rows (date, active return, market return and the
//   environment levels when used); `prefixDigests` reads the stream's digest at chosen row counts.
// - A refit (method.md §6) depends on the data up to its decision day only (the training rows end
//   at the previous close, and the features of a row use data up to that row, §2), on its model
//   settings, its seed, and the refit it was warm-started from (§3: the previous fit's centroids are
//   an extra start). So its key is H(engine, previous refit's key, digest of rows [0, day), training
//   window, settings, seed): appending days or changing anything after the decision day leaves it.
// - A chain (the refits 0 … R−1 of one model setting and the online labels of the days they own)
//   is named by its last refit's key and the digest of the rows it labels.
// - A backtest result is named by the data set's content hash and the full configuration.
import { Sha256, sha256Text } from './sha256.ts';
import type { FactorInputs, FactorModelParams } from '../backtest/regimePath.ts';

/**
 * Version of every computation a cached regime value depends on (features, preprocessing, the jump
 * models, online inference, the walk-forward schedule and how chains are stitched). Change it
 * whenever any of them would give different numbers: old cache entries are then never read again.
 * test/unit/pipeline/seed.test.ts recomputes the shipped demo cache (public/demo-cache.bin, made
 * under this version) and fails when the numbers change without this changing.
 */
export const ENGINE_VERSION = 'helix-engine/1';

/** A factor's input rows: its calendar, active and market returns, and the environment levels when used. */
export type FactorInputRows = FactorInputs;

/**
 * Digests of the factor's input rows [0, n) for every n in `counts` (row counts, any order), from one
 * pass over the rows. The stream starts with the number and names of the columns hashed.
 */
export function prefixDigests(rows: FactorInputRows, counts: Iterable<number>): Map<number, string> {
  const T = rows.dates.length;
  const want = [...new Set(counts)].filter((n) => n >= 0 && n <= T).sort((a, b) => a - b);
  const out = new Map<number, string>();
  const env = [rows.vix, rows.dgs2, rows.dgs10];
  const h = new Sha256().text(`helix-factor-rows/1\n${env.map((e) => (e ? 1 : 0)).join('')}\n`);
  let t = 0;
  for (const n of want) {
    for (; t < n; t++) {
      h.text(rows.dates[t]!).float(rows.active[t]!).float(rows.market[t]!);
      for (const e of env) if (e) h.float(e[t]!);
    }
    out.set(n, h.digestHex());
  }
  return out;
}

/** Canonical text of a model setting (every field that changes a fit, in a fixed order). */
export function settingText(s: FactorModelParams): string {
  return JSON.stringify([s.model, s.k, Array.from(s.penaltyMatrix), s.jumpPenalty, s.maxFeatures, s.nInit, s.seed]);
}

export interface RefitKeyInput {
  previous: string | null;
  /** Digest of the input rows [0, trainEnd): everything up to the previous close. */
  dataDigest: string;
  trainStart: number;
  trainEnd: number;
  /** Features of the model (14 or 17). */
  D: number;
  setting: FactorModelParams;
  /** The refit's own seed (refitSeed of the setting's seed, the factor and the refit). */
  seed: number;
}

export function refitKey(k: RefitKeyInput): string {
  return sha256Text(JSON.stringify([ENGINE_VERSION, 'refit', k.previous, k.dataDigest, k.trainStart, k.trainEnd, k.D, settingText(k.setting), k.seed]));
}

/** The chain whose last refit is `lastRefit` and whose labels cover days up to `until` (exclusive). */
export function chainKey(lastRefit: string, untilDigest: string, until: number): string {
  return sha256Text(JSON.stringify([ENGINE_VERSION, 'chain', lastRefit, untilDigest, until]));
}

/** Cache names: one namespace per kind of value. */
export const refitName = (key: string) => `refit:${key}`;
export const chainName = (key: string) => `chain:${key}`;
