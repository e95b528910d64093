// Stored data sets (Storage). One IndexedDB database (db.ts, "helix-datasets") holds two
// kinds of record under array keys:
//   ['meta',  id] → DatasetMeta   small: name, dates, tickers, roles, a summary of the import report
//   ['panel', id] → PanelRecord   big: the aligned panel with its Float64Arrays
// Listing reads only the 'meta' key range, so it stays cheap however large the panels are.
//
// The id is the content hash of the normalised panel as imported (SHA-256, computed in the data
// worker by core's panelHash): the same data imported twice is one data set. Roles are edited
// later without changing the id: they live in the metadata and are applied to the panel on get().
//
// Every write is one IndexedDB transaction: saving puts the panel first and then the index entry,
// and either both land or neither does (a failed write aborts the transaction, so the previous
// state is intact).
import { promisifyRequest, type UseStore } from 'idb-keyval';
import type { AssetRole, Panel } from '../core/data/panel.ts';
import type { FileReport, PanelReport } from '../core/data/types.ts';
import { ASSET_ROLES } from '../core/data/roles.ts';
import type { BrowserGlobals, IdbObjectStore, IdbRequest, IdbTransactionMode, IdbValidKey } from './dom.d.ts';
import { getStore, STORE_DATABASES } from './db.ts';
import { StorageError, toStorageError } from './errors.ts';

export const ROLES: readonly AssetRole[] = ASSET_ROLES;
/** Longest data set name kept; longer names are cut (a name is a label, not a document). */
export const MAX_NAME_LENGTH = 120;

/** One imported file, as remembered with the data set (the full report is shown at import time). */
export interface DatasetFileSummary {
  file: string;
  source: string;
  layout: string;
  rows: number;
  firstDate?: string;
  lastDate?: string;
  adjusted: boolean;
  accepted: boolean;
  errors: number;
  warnings: number;
}

export interface DatasetSummary {
  firstDate: string;
  lastDate: string;
  /** Trading days in the panel. */
  rows: number;
  tickers: string[];
  kinds: Record<string, 'price' | 'level'>;
  /** The asset whose history sets the start / end of the common range (from the panel report). */
  startSetBy?: string;
  endSetBy?: string;
  message?: string;
  files: DatasetFileSummary[];
}

export interface DatasetMeta {
  /** Content hash of the panel as imported (hex SHA-256). */
  id: string;
  name: string;
  /** ms since epoch. */
  createdAt: number;
  /** The seeded demo data: shown with a "Simulated" badge wherever it appears. */
  simulated: boolean;
  summary: DatasetSummary;
  /** Role per ticker, as the user set them (defaults from the importer). */
  roles: Record<string, AssetRole>;
  /** Approximate size of the stored panel, for the list. */
  sizeBytes: number;
}

export interface StoredDataset extends DatasetMeta {
  /** The panel with `roles` applied to its series. */
  panel: Panel;
}

export interface NewDataset {
  id: string;
  name: string;
  simulated: boolean;
  panel: Panel;
  summary: DatasetSummary;
  /** Defaults to the roles on the panel's series. */
  roles?: Record<string, AssetRole>;
  createdAt?: number;
}

interface PanelRecord {
  id: string;
  panel: Panel;
}

const metaKey = (id: string): IdbValidKey => ['meta', id];
const panelKey = (id: string): IdbValidKey => ['panel', id];
// Array keys sort after strings, so [] is above every ['meta', <string>] key.
const META_RANGE = () => (globalThis as unknown as BrowserGlobals).IDBKeyRange.bound(['meta'], ['meta', []]);

/** Builds the summary kept with a data set from its panel and, when imported, the import report. */
export function summariseDataset(panel: Panel, reports: FileReport[] = [], panelReport: PanelReport | null = null): DatasetSummary {
  const kinds: Record<string, 'price' | 'level'> = {};
  for (const s of panel.series) kinds[s.ticker] = s.kind;
  return {
    firstDate: panel.dates[0] ?? '',
    lastDate: panel.dates[panel.dates.length - 1] ?? '',
    rows: panel.dates.length,
    tickers: panel.series.map((s) => s.ticker),
    kinds,
    startSetBy: panelReport?.startSetBy,
    endSetBy: panelReport?.endSetBy,
    message: panelReport?.message,
    files: reports.map((r) => ({
      file: r.file,
      source: r.source,
      layout: r.layout,
      rows: r.rows,
      firstDate: r.firstDate,
      lastDate: r.lastDate,
      adjusted: r.adjusted,
      accepted: r.accepted,
      errors: r.issues.filter((i) => i.severity === 'error').length,
      warnings: r.issues.filter((i) => i.severity === 'warning').length,
    })),
  };
}

export function panelSizeBytes(panel: Panel): number {
  let n = panel.dates.length * 10;
  for (const s of panel.series) n += s.values.byteLength + s.ticker.length * 2;
  return n;
}

/** A data set name as stored: trimmed, single-line, at most MAX_NAME_LENGTH characters. */
export function cleanName(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_NAME_LENGTH);
}

/** Applies stored roles to a panel (new series objects; the values arrays are shared, not copied). */
export function applyRoles(panel: Panel, roles: Record<string, AssetRole>): Panel {
  return {
    dates: panel.dates,
    series: panel.series.map((s) => {
      const r = roles[s.ticker];
      return r && r !== s.role ? { ...s, role: r } : s;
    }),
  };
}

/** A stored value that is really a DatasetMeta (stored data can be from an older build, or edited). */
export function isDatasetMeta(x: unknown): x is DatasetMeta {
  if (!x || typeof x !== 'object') return false;
  const m = x as Record<string, unknown>;
  return typeof m.id === 'string' && typeof m.name === 'string' && typeof m.createdAt === 'number' &&
    typeof m.simulated === 'boolean' && !!m.summary && typeof m.summary === 'object' &&
    !!m.roles && typeof m.roles === 'object';
}

function run<T>(store: UseStore, mode: IdbTransactionMode, what: string, body: (s: IdbObjectStore) => Promise<T>): Promise<T> {
  return store(mode, body).catch((err: unknown) => {
    throw toStorageError(err, what, STORE_DATABASES.datasets);
  });
}

/** Waits for a request inside a transaction. */
function req<T>(r: IdbRequest<T>): Promise<T> {
  return promisifyRequest(r);
}

/**
 * Writes inside one readwrite transaction and resolves when it commits. A synchronous failure in
 * `write` (e.g. a value that cannot be cloned) aborts the transaction, so nothing it did persists.
 */
function commit<T>(s: IdbObjectStore, write: () => T): Promise<T> {
  let out: T;
  try {
    out = write();
  } catch (err) {
    try { s.transaction.abort(); } catch { /* already finished */ }
    return Promise.reject(err);
  }
  return promisifyRequest(s.transaction).then(() => out);
}

function notFound(what: string, id: string): StorageError {
  return new StorageError(what, `this browser's storage for this site (IndexedDB database “${STORE_DATABASES.datasets}”)`,
    `no data set with id ${id.slice(0, 12)}… is stored (it may have been deleted in another tab)`,
    'Reload the page to refresh the list.');
}

export class DatasetStore {
  /** `store` is injectable so tests can hand in a store that fails on purpose. */
  constructor(private readonly store: UseStore = getStore('datasets')) {}

  /** Metadata of every stored data set, oldest first. Never loads a panel. */
  list(): Promise<DatasetMeta[]> {
    return run(this.store, 'readonly', 'Listing the stored data sets', async (s) => {
      const all = (await req(s.getAll(META_RANGE()))) as unknown[];
      return all.filter(isDatasetMeta).sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name));
    });
  }

  /** Metadata of one data set, or undefined. */
  getMeta(id: string): Promise<DatasetMeta | undefined> {
    return run(this.store, 'readonly', 'Reading a data set', async (s) => {
      const m = await req(s.get(metaKey(id)));
      return isDatasetMeta(m) ? m : undefined;
    });
  }

  /** One data set with its panel (roles applied), or undefined when it is not stored. */
  get(id: string): Promise<StoredDataset | undefined> {
    return run(this.store, 'readonly', 'Loading a data set', async (s) => {
      const [m, p] = await Promise.all([req(s.get(metaKey(id))), req(s.get(panelKey(id)))]);
      if (!isDatasetMeta(m)) return undefined;
      const rec = p as PanelRecord | undefined;
      if (!rec || !rec.panel || !Array.isArray(rec.panel.dates)) {
        throw new StorageError(`Loading data set “${m.name}”`, `this browser's storage for this site (IndexedDB database “${STORE_DATABASES.datasets}”)`,
          'its prices are missing from storage', 'Delete this data set and import its files again.');
      }
      return { ...m, panel: applyRoles(rec.panel, m.roles) };
    });
  }

  /**
   * Stores a new data set. When a data set with the same id (the same content) is already stored,
   * nothing is written and the stored one is returned with `existed: true`.
   */
  save(input: NewDataset): Promise<{ meta: DatasetMeta; existed: boolean }> {
    const name = cleanName(input.name) || 'Untitled data set';
    const what = `Saving data set “${name}”`;
    if (!/^[0-9a-zA-Z_-]{8,128}$/.test(input.id)) {
      return Promise.reject(new StorageError(what, 'the data set id', `“${input.id}” is not a content hash`, 'This is a bug in Helix: please report it.'));
    }
    const roles: Record<string, AssetRole> = {};
    for (const s of input.panel.series) roles[s.ticker] = input.roles?.[s.ticker] ?? s.role;
    const meta: DatasetMeta = {
      id: input.id,
      name,
      createdAt: input.createdAt ?? Date.now(),
      simulated: input.simulated,
      summary: input.summary,
      roles,
      sizeBytes: panelSizeBytes(input.panel),
    };
    const record: PanelRecord = { id: input.id, panel: input.panel };
    return run(this.store, 'readwrite', what, async (s) => {
      const existing = await req(s.get(metaKey(input.id)));
      if (isDatasetMeta(existing)) return { meta: existing, existed: true };
      // Panel first, then the index entry, in the same transaction: both or neither.
      return commit(s, () => {
        s.put(record, panelKey(input.id));
        s.put(meta, metaKey(input.id));
        return { meta, existed: false };
      });
    });
  }

  /** Renames a data set; returns the updated metadata. */
  rename(id: string, newName: string): Promise<DatasetMeta> {
    const name = cleanName(newName);
    const what = `Renaming a data set to “${name}”`;
    if (!name) return Promise.reject(new StorageError(what, 'the name field', 'the name is empty', 'Type a name with at least one visible character.'));
    return this.updateMeta(id, what, (m) => ({ ...m, name }));
  }

  /** Replaces the roles of some tickers; unknown tickers and roles are refused. */
  setRoles(id: string, roles: Record<string, AssetRole>): Promise<DatasetMeta> {
    const what = 'Saving the asset roles';
    return this.updateMeta(id, what, (m) => {
      const next = { ...m.roles };
      for (const [ticker, role] of Object.entries(roles)) {
        if (!ROLES.includes(role)) throw new StorageError(what, `ticker ${ticker}`, `“${String(role)}” is not a role`, `Choose one of ${ROLES.join(', ')}.`);
        if (!Object.hasOwn(m.roles, ticker)) throw new StorageError(what, `data set “${m.name}”`, `it has no ticker ${ticker}`, 'Reload the page to refresh the data set.');
        next[ticker] = role;
      }
      return { ...m, roles: next };
    });
  }

  /** Deletes a data set (index entry and panel, in one transaction). Deleting a missing id is a no-op. */
  remove(id: string): Promise<void> {
    return run(this.store, 'readwrite', 'Deleting a data set', (s) =>
      commit(s, () => {
        s.delete(metaKey(id));
        s.delete(panelKey(id));
      }),
    );
  }

  private updateMeta(id: string, what: string, change: (m: DatasetMeta) => DatasetMeta): Promise<DatasetMeta> {
    return run(this.store, 'readwrite', what, async (s) => {
      const m = await req(s.get(metaKey(id)));
      if (!isDatasetMeta(m)) throw notFound(what, id);
      let next!: DatasetMeta;
      return commit(s, () => {
        next = change(m);
        s.put(next, metaKey(id));
        return next;
      });
    });
  }
}

let defaultStore: DatasetStore | undefined;
/** The app's data set store (in the helix-datasets database). */
export function datasetStore(): DatasetStore {
  return (defaultStore ??= new DatasetStore());
}
