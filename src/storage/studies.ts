// Saved tuning studies: the study definition and every trial, written as trials finish, so
// that a reload shows them and a cancelled or interrupted study can be resumed (core/tuning/study.ts
// re-proposes the same trials deterministically and skips the finished ones).
//
// One IndexedDB database (db.ts, "helix-studies", idb-keyval), array keys:
//   ['study', id]                 → StudyRecord   small: definition, status, calendar, per-trial status, best
//   ['trial', id, factor, trialId] → TrialRecord  one per trial, with its stored long-short path
// Saving a trial is one transaction (the trial and the study record's counters together), so the
// record never claims a trial that is not stored. Listing reads only the 'study' key range.
//
// "Interrupted": a study whose stored status is still 'running' but which was written by another
// page session (the tab was closed or reloaded mid-run) is reported as 'interrupted' — resumable.
import { promisifyRequest, type UseStore } from 'idb-keyval';
import type {
  CandidateParams, StudyDefinition, StudyState, StudyStatus, TrialRecord, TrialStatus,
} from '../core/tuning/types.ts';
import { isResumable, totalTrials } from '../core/tuning/study.ts';
import { getStore, STORE_DATABASES } from './db.ts';
import { StorageError, toStorageError } from './errors.ts';

// Types derived from idb-keyval's signature, so this file needs no DOM type names (it is also
// type-checked under the node config, whose lib has no DOM).
type ObjectStore = Parameters<Parameters<UseStore>[1]>[0];
type Query = NonNullable<Parameters<ObjectStore['getAll']>[0]>;

/** This page's session: a 'running' study saved by another session was interrupted. Not a result. */
const PAGE_SESSION = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

const RECORD_FORMAT = 'helix-study';
const RECORD_VERSION = 1;

export interface BestTrial {
  trialId: number;
  score: number;
  params: CandidateParams;
}

interface StudyRecord {
  format: typeof RECORD_FORMAT;
  version: number;
  definition: StudyDefinition;
  status: StudyStatus;
  error?: string;
  dates?: string[];
  /** The page session that last wrote the status. */
  session: string;
  /** ms since epoch. */
  updatedAt: number;
  /** Status of every stored trial, key `${factor}#${id}`. */
  trialStatus: Record<string, TrialStatus>;
  best: Record<string, BestTrial | null>;
}

/** One line of the study list. */
export interface StudySummary {
  id: string;
  name?: string;
  createdAt: string;
  /** ms since epoch of the last write. */
  updatedAt: number;
  factors: string[];
  sampler: StudyDefinition['sampler']['kind'];
  selection: StudyDefinition['selection']['mode'];
  /** 'interrupted' when saved as running by an earlier page session. */
  status: StudyStatus;
  error?: string;
  /** Finished trials (done + failed). */
  done: number;
  failed: number;
  total: number;
  resumable: boolean;
  best: Record<string, BestTrial | null>;
}

const studyKey = (id: string) => ['study', id];
const trialKey = (id: string, factor: string, trialId: number) => ['trial', id, factor, trialId];
const statusKey = (factor: string, id: number) => `${factor}#${id}`;

function keyRange(lower: unknown[], upper: unknown[]): Query {
  const KeyRange = (globalThis as unknown as { IDBKeyRange: { bound(l: unknown, u: unknown): unknown } }).IDBKeyRange;
  return KeyRange.bound(lower, upper) as Query;
}
// Array keys sort after strings, so [] is above every key that extends the prefix with a string or number.
const STUDY_RANGE = () => keyRange(['study'], ['study', []]);
const trialRange = (id: string) => keyRange(['trial', id], ['trial', id, []]);

function isStudyRecord(x: unknown): x is StudyRecord {
  if (!x || typeof x !== 'object') return false;
  const r = x as Partial<StudyRecord>;
  return r.format === RECORD_FORMAT && typeof r.version === 'number' && !!r.definition && typeof r.definition.id === 'string' &&
    typeof r.status === 'string' && !!r.trialStatus && typeof r.trialStatus === 'object';
}

function isTrialRecord(x: unknown): x is TrialRecord {
  if (!x || typeof x !== 'object') return false;
  const t = x as Partial<TrialRecord>;
  return typeof t.factor === 'string' && typeof t.id === 'number' && typeof t.status === 'string' && !!t.params;
}

function betterBest(b: BestTrial | null | undefined, t: TrialRecord): boolean {
  return t.status === 'done' && !Number.isNaN(t.score) && (!b || t.score > b.score || (t.score === b.score && t.id < b.trialId));
}

function emptyRecord(state: StudyState, session: string): StudyRecord {
  const best: Record<string, BestTrial | null> = {};
  for (const f of state.definition.factors) best[f] = null;
  const r: StudyRecord = {
    format: RECORD_FORMAT, version: RECORD_VERSION, definition: state.definition, status: state.status,
    session, updatedAt: Date.now(), trialStatus: {}, best,
  };
  if (state.error) r.error = state.error;
  if (state.dates) r.dates = state.dates;
  return r;
}

function noteTrial(rec: StudyRecord, t: TrialRecord): void {
  const k = statusKey(t.factor, t.id);
  // A finished trial is never downgraded to 'cancelled' by a late write.
  if (t.status === 'cancelled' && rec.trialStatus[k] && rec.trialStatus[k] !== 'cancelled') return;
  rec.trialStatus[k] = t.status;
  if (betterBest(rec.best[t.factor], t)) rec.best[t.factor] = { trialId: t.id, score: t.score, params: t.params };
}

function visibleStatus(rec: StudyRecord, session: string): StudyStatus {
  return rec.status === 'running' && rec.session !== session ? 'interrupted' : rec.status;
}

function summarise(rec: StudyRecord, session: string): StudySummary {
  let done = 0, failed = 0;
  for (const s of Object.values(rec.trialStatus)) {
    if (s === 'done') done++;
    else if (s === 'failed') { done++; failed++; }
  }
  let total = 0;
  try { total = totalTrials(rec.definition); } catch { total = 0; }
  const status = visibleStatus(rec, session);
  const s: StudySummary = {
    id: rec.definition.id, createdAt: rec.definition.createdAt, updatedAt: rec.updatedAt, factors: rec.definition.factors,
    sampler: rec.definition.sampler.kind, selection: rec.definition.selection.mode, status, done, failed, total,
    resumable: status !== 'done' && done < total, best: rec.best,
  };
  if (rec.definition.name) s.name = rec.definition.name;
  if (rec.error) s.error = rec.error;
  return s;
}

const WHERE = `this browser's storage for this site (IndexedDB database “${STORE_DATABASES.studies}”)`;

export class StudyStore {
  /**
   * `store` is injectable so tests can use a fresh database or one that fails on purpose; `session`
   * stands for the page session (tests simulate a reload with another one).
   */
  constructor(private readonly store: UseStore = getStore('studies'), private readonly session: string = PAGE_SESSION) {}

  private run<T>(mode: 'readonly' | 'readwrite', what: string, body: (s: ObjectStore) => Promise<T>): Promise<T> {
    return this.store(mode, body).catch((err: unknown) => {
      throw toStorageError(err, what, STORE_DATABASES.studies);
    });
  }

  /**
   * Writes a whole study (definition, status, calendar, all its trials) in one transaction: for a new
   * study before it runs, or an imported one. Trials already stored for the id are replaced.
   */
  save(state: StudyState): Promise<void> {
    const id = state.definition.id;
    return this.run('readwrite', `Saving study “${state.definition.name ?? id}”`, (s) => {
      const rec = emptyRecord(state, this.session);
      s.delete(trialRange(id));
      for (const t of state.trials) {
        noteTrial(rec, t);
        if (t.status === 'cancelled' && rec.trialStatus[statusKey(t.factor, t.id)] !== 'cancelled') continue;
        s.put(t, trialKey(id, t.factor, t.id));
      }
      s.put(rec, studyKey(id));
      return promisifyRequest(s.transaction);
    });
  }

  /** Saves one finished trial and updates the study's counters, in one transaction. */
  saveTrial(state: StudyState, trial: TrialRecord): Promise<void> {
    const id = state.definition.id;
    return this.run('readwrite', `Saving trial ${trial.id} of ${trial.factor} in study “${state.definition.name ?? id}”`, async (s) => {
      const existing: unknown = await promisifyRequest(s.get(studyKey(id)));
      const rec = isStudyRecord(existing) ? existing : emptyRecord(state, this.session);
      if (!rec.dates && state.dates) rec.dates = state.dates;
      const before = rec.trialStatus[statusKey(trial.factor, trial.id)];
      noteTrial(rec, trial);
      rec.updatedAt = Date.now();
      if (!(trial.status === 'cancelled' && before && before !== 'cancelled')) s.put(trial, trialKey(id, trial.factor, trial.id));
      s.put(rec, studyKey(id));
      return promisifyRequest(s.transaction);
    });
  }

  /** Saves the study's status (and error, calendar), e.g. running → done / cancelled / error. */
  saveStatus(state: StudyState): Promise<void> {
    const id = state.definition.id;
    return this.run('readwrite', `Saving the status of study “${state.definition.name ?? id}”`, async (s) => {
      const existing: unknown = await promisifyRequest(s.get(studyKey(id)));
      const rec = isStudyRecord(existing) ? existing : emptyRecord(state, this.session);
      rec.definition = state.definition;
      rec.status = state.status;
      if (state.error) rec.error = state.error;
      else delete rec.error;
      if (!rec.dates && state.dates) rec.dates = state.dates;
      rec.session = this.session;
      rec.updatedAt = Date.now();
      s.put(rec, studyKey(id));
      return promisifyRequest(s.transaction);
    });
  }

  /** Callbacks for runStudy / resumeStudy that save the study as it runs. */
  recorder(): { onTrial: (t: TrialRecord, s: StudyState) => Promise<void>; onStatus: (s: StudyState) => Promise<void> } {
    return { onTrial: (t, s) => this.saveTrial(s, t), onStatus: (s) => this.saveStatus(s) };
  }

  /** Every stored study, most recently updated first. Reads no trials. */
  list(): Promise<StudySummary[]> {
    return this.run('readonly', 'Listing the saved studies', async (s) => {
      const all = (await promisifyRequest(s.getAll(STUDY_RANGE()))) as unknown[];
      return all.filter(isStudyRecord).map((r) => summarise(r, this.session))
        .sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id));
    });
  }

  /**
   * One study with all its trials (sorted by factor order, then trial id), ready to resume or to
   * select from; undefined when there is no such study.
   */
  load(id: string): Promise<StudyState | undefined> {
    return this.run('readonly', `Loading study ${id}`, async (s) => {
      const rec: unknown = await promisifyRequest(s.get(studyKey(id)));
      if (!isStudyRecord(rec)) return undefined;
      if (rec.version > RECORD_VERSION) {
        throw new StorageError(`Loading study ${id}`, WHERE, `it was saved by a newer version of Helix (format ${rec.version})`, 'Reload the page to get the newer version.');
      }
      const trials = ((await promisifyRequest(s.getAll(trialRange(id)))) as unknown[]).filter(isTrialRecord);
      const order = new Map(rec.definition.factors.map((f, i) => [f, i]));
      trials.sort((a, b) => (order.get(a.factor) ?? 1e9) - (order.get(b.factor) ?? 1e9) || a.id - b.id);
      const state: StudyState = { definition: rec.definition, status: visibleStatus(rec, this.session), trials };
      if (rec.error) state.error = rec.error;
      if (rec.dates) state.dates = rec.dates;
      return state;
    });
  }

  /** Deletes a study and all its trials (one transaction). Deleting a missing study does nothing. */
  delete(id: string): Promise<void> {
    return this.run('readwrite', `Deleting study ${id}`, (s) => {
      s.delete(trialRange(id));
      s.delete(studyKey(id));
      return promisifyRequest(s.transaction);
    });
  }
}

/** Whether a loaded study can be resumed (re-exported for the UI next to the store). */
export { isResumable };
