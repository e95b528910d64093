// App-wide state (the svelte.dev pattern: a rune class, shared through typed context, context.ts).
// It owns the list of stored data sets and the selected one; screens read it and call its methods.
// Later screens add their own state classes beside their components and read `selected` from here.
import type { AssetRole, Panel } from '../core/data/panel.ts';
import type { ImportResult } from '../core/data/types.ts';
// Constants only, from demo.ts itself: the generator runs in the worker, not in the page bundle.
import { DEMO_DATASET_NAME, DEMO_SEED } from '../core/data/demo.ts';
import { DatasetStore, summariseDataset, type DatasetMeta, type StoredDataset } from '../storage/datasets.ts';
import { SettingsStore } from '../storage/settings.ts';
import { deleteAllDatabases } from '../storage/db.ts';
import { StorageError } from '../storage/errors.ts';
import { DataClient } from './workers/data.ts';
import { ImportSession } from './data/import.svelte.ts';

export type Phase = 'starting' | 'ready' | 'failed';

export interface AppDeps {
  datasets: DatasetStore;
  settings: SettingsStore;
  data: DataClient;
}

function messageOf(err: unknown): string {
  if (err instanceof StorageError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

export class AppState {
  /** Metadata of every stored data set (the list is cheap: no panels). */
  datasets = $state.raw<DatasetMeta[]>([]);
  /** The selected data set with its panel. */
  selected = $state.raw<StoredDataset | null>(null);
  phase = $state<Phase>('starting');
  /** What the app is doing while `phase` is 'starting'. */
  status = $state('Opening the stored data sets…');
  /** A problem that concerns the whole app (storage unavailable, …), shown in a banner. */
  error = $state<string | null>(null);
  /** False when IndexedDB cannot be used: data then lives only until the tab closes. */
  storageAvailable = $state(true);
  /** A tuning study running in this page (set by the Tune screen's state), for the header's job line. */
  tuning = $state.raw<{ done: number; total: number; name: string } | null>(null);

  selectedId = $derived(this.selected?.id ?? null);
  hasDemo = $derived(this.datasets.some((d) => d.simulated));

  readonly importSession: ImportSession;
  readonly store: DatasetStore;
  readonly settings: SettingsStore;
  readonly data: DataClient;
  private selectToken = 0;

  constructor(deps: Partial<AppDeps> = {}) {
    this.store = deps.datasets ?? new DatasetStore();
    this.settings = deps.settings ?? new SettingsStore();
    this.data = deps.data ?? new DataClient();
    this.importSession = new ImportSession(this);
  }

  // The demo uses core's fixed DEMO_SEED: every browser gets the same demo and the same id.

  /**
   * First open: list the stored data sets; when there are none, make the simulated demo in the
   * worker, store it and select it ("There on first open without any upload").
   */
  async start(): Promise<void> {
    this.phase = 'starting';
    try {
      this.status = 'Opening the stored data sets…';
      let list: DatasetMeta[];
      try {
        list = await this.store.list();
      } catch (err) {
        // No usable IndexedDB: keep working with the demo in memory and say so.
        this.storageAvailable = false;
        this.error = `${messageOf(err)} Helix still works, but data sets are kept only until this tab is closed.`;
        await this.useDemoInMemory();
        this.phase = 'ready';
        return;
      }
      if (list.length === 0) {
        await this.addDemo();
        this.phase = 'ready';
        return;
      }
      this.datasets = list;
      const remembered = await this.settings.get('selectedDatasetId').catch(() => undefined);
      const pick = list.find((d) => d.id === remembered) ?? list[list.length - 1];
      await this.select(pick.id);
      this.phase = 'ready';
    } catch (err) {
      this.error = messageOf(err);
      this.phase = 'failed';
    }
  }

  /** Re-reads the list from storage. */
  async refresh(): Promise<void> {
    this.datasets = await this.store.list();
  }

  /** Selects a stored data set (loads its panel). */
  async select(id: string): Promise<void> {
    const token = ++this.selectToken;
    const ds = this.storageAvailable ? await this.store.get(id) : (this.selected?.id === id ? this.selected : undefined);
    if (token !== this.selectToken) return; // a later click won
    if (!ds) {
      await this.refresh();
      throw new Error('That data set is no longer stored (deleted in another tab?). The list has been refreshed.');
    }
    this.selected = ds;
    if (this.storageAvailable) await this.settings.set('selectedDatasetId', id).catch(() => undefined);
  }

  /** Generates, stores and selects the demo data set. */
  async addDemo(): Promise<DatasetMeta> {
    this.status = 'Preparing the simulated demo data set…';
    const { panel, hash } = await this.data.demo(DEMO_SEED);
    const { meta } = await this.store.save({
      id: hash,
      name: DEMO_DATASET_NAME,
      simulated: true,
      panel,
      summary: summariseDataset(panel),
    });
    await this.refresh();
    await this.select(meta.id);
    return meta;
  }

  private async useDemoInMemory(): Promise<void> {
    this.status = 'Preparing the simulated demo data set…';
    const { panel, hash } = await this.data.demo(DEMO_SEED);
    const roles: Record<string, AssetRole> = {};
    for (const s of panel.series) roles[s.ticker] = s.role;
    const ds: StoredDataset = {
      id: hash, name: DEMO_DATASET_NAME, createdAt: Date.now(), simulated: true,
      summary: summariseDataset(panel), roles, sizeBytes: 0, panel,
    };
    this.datasets = [ds];
    this.selected = ds;
  }

  /**
   * Stores an import as a new data set and selects it. Returns whether the same content was
   * already stored (then nothing is written and the stored one is selected).
   */
  async saveImport(name: string, result: ImportResult, hash: string): Promise<{ meta: DatasetMeta; existed: boolean }> {
    if (!result.panel) throw new Error('Nothing usable was imported, so there is nothing to save.');
    if (!this.storageAvailable) throw new Error('This browser gives Helix no storage, so data sets cannot be saved. Allow site data for this page and reload.');
    const out = await this.store.save({
      id: hash,
      name,
      simulated: false,
      panel: result.panel as Panel,
      summary: summariseDataset(result.panel, result.reports, result.panelReport),
    });
    await this.refresh();
    await this.select(out.meta.id);
    return out;
  }

  async rename(id: string, name: string): Promise<void> {
    const meta = await this.store.rename(id, name);
    await this.refresh();
    if (this.selected?.id === id) this.selected = { ...this.selected, name: meta.name };
  }

  async setRoles(id: string, roles: Record<string, AssetRole>): Promise<void> {
    await this.store.setRoles(id, roles);
    await this.refresh();
    if (this.selected?.id === id) await this.select(id);
  }

  /** Deletes a data set; when it was selected, selects the newest remaining one. */
  async remove(id: string): Promise<void> {
    await this.store.remove(id);
    await this.refresh();
    if (this.selected?.id === id) {
      this.selected = null;
      const next = this.datasets[this.datasets.length - 1];
      if (next) await this.select(next.id);
      else await this.settings.delete('selectedDatasetId').catch(() => undefined);
    }
  }

  /** Deletes every Helix database in this browser, then starts afresh (the demo comes back). */
  async deleteEverything(): Promise<void> {
    await deleteAllDatabases();
    this.datasets = [];
    this.selected = null;
    this.importSession.clear();
    await this.start();
  }
}
