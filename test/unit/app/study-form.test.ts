// TPE's random start-up trials as the Tune form, the progress line and `cli tune` describe them
// (core tuning/plan.ts tpeRandomNote): whole batches are random until nStartup trials have finished
// (core sampler.ts proposes batch b from the trials of batches < b only).
import { describe, it, expect } from 'vitest';
import { tpeRandomTrials } from '../../../src/core/tuning/sampler.ts';
import { tpeRandomNote as tpeNote } from '../../../src/core/tuning/plan.ts';
import type { SamplerConfig } from '../../../src/core/tuning/types.ts';

const tpeRandomNote = (nTrials: number, sampler: SamplerConfig) => tpeNote(nTrials, sampler)?.text ?? null;

describe('tpeRandomTrials', () => {
  it('counts the start-up batches, rounded up to whole batches', () => {
    expect(tpeRandomTrials(40, { kind: 'tpe', batchSize: 8, nStartup: 10 })).toEqual({ random: 16, modelled: 24, startup: 16 });
    expect(tpeRandomTrials(40, { kind: 'tpe', batchSize: 5, nStartup: 10 })).toEqual({ random: 10, modelled: 30, startup: 10 });
    expect(tpeRandomTrials(10, { kind: 'tpe', batchSize: 1, nStartup: 10 })).toEqual({ random: 10, modelled: 0, startup: 10 });
    expect(tpeRandomTrials(12, { kind: 'tpe' })).toEqual({ random: 12, modelled: 0, startup: 16 }); // defaults: batches of 8, 10 start-up
    expect(tpeRandomTrials(12, { kind: 'random' })).toBeNull();
    expect(tpeRandomTrials(12, { kind: 'tpe', batchSize: 0 })).toBeNull();
  });

  it('as many trials as start-up trials: the note says it is a random search', () => {
    const note = tpeRandomNote(10, { kind: 'tpe', batchSize: 2, nStartup: 10 });
    expect(note).toContain('With 10 trials per factor and 10 random start-up trials, every trial is a random start-up draw');
    expect(note).toContain('plain random search');
    expect(note).toContain('more than 10 trials per factor');
    // fewer trials than one start-up batch: the advice counts whole start-up batches
    expect(tpeRandomNote(3, { kind: 'tpe' })).toContain('more than 16 trials per factor');
  });

  it('more trials: the note says how many are random', () => {
    expect(tpeRandomNote(40, { kind: 'tpe', batchSize: 8, nStartup: 10 }))
      .toBe('The first 16 trials per factor are random start-up draws (2 batches of 8); TPE proposes the other 24 from the scores so far.');
    expect(tpeRandomNote(40, { kind: 'grid' })).toBeNull();
  });

  it('says whether every trial is random', () => {
    expect(tpeNote(10, { kind: 'tpe', batchSize: 2, nStartup: 10 })?.randomOnly).toBe(true);
    expect(tpeNote(40, { kind: 'tpe', batchSize: 8, nStartup: 10 })?.randomOnly).toBe(false);
  });
});
