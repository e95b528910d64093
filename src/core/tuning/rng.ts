// Seed derivation for the samplers (method.md §7: everything random takes a seed). The random
// streams themselves come from the project's one generator, `Rng` in src/core/random.ts (MT19937);
// the tuning code derives a separate seed for every (study seed, factor, batch) — or (study seed,
// factor, trial) for random search — so that a study's proposals do not depend on the order in
// which trials finish (see sampler.ts).

/**
 * A 32-bit seed derived from a list of parts (numbers and strings), e.g.
 * `deriveSeed(studySeed, 'QUAL', 'tpe', batchIndex)`. FNV-1a over the parts' text, finished with a
 * murmur3 avalanche, so that every part changes the whole seed.
 */
export function deriveSeed(...parts: (number | string)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = typeof part === 'number' ? `n${part}` : `s${part}`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h ^= 0x1f; // separator, so ('ab','c') differs from ('a','bc')
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}
