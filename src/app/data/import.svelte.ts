// One import on the Data screen: the files a person chose, the worker's report, the date-order
// answers, and saving. Kept in AppState so switching screens does not lose a report.
import type { DateOrder, ImportResult } from '../../core/data/types.ts';
import { formatList } from '../format.ts';
import { isCancelled, type Job } from '../workers/pool.ts';
import type { ImportOutcome } from '../workers/data.ts';
import type { AppState } from '../state.svelte.ts';

export class ImportSession {
  files = $state.raw<File[]>([]);
  result = $state.raw<ImportResult | null>(null);
  hash = $state<string | null>(null);
  /** The person's answers for files whose dates read both ways. */
  dateOrder = $state<Record<string, DateOrder>>({});
  busy = $state(false);
  saving = $state(false);
  /** Why the import or the save did not work (worker or storage failure), in plain words. */
  error = $state<string | null>(null);
  /** After a save: what happened, for the status line. */
  saved = $state<string | null>(null);
  saveName = $state('');
  elapsedMs = $state<number | null>(null);
  bytes = $state(0);

  /** True when there is a panel to save. */
  canSave = $derived(!!this.result?.panel && !!this.hash && !this.busy);
  needsDateOrder = $derived((this.result?.ambiguities.length ?? 0) > 0);

  private job: Job<ImportOutcome> | null = null;

  constructor(private readonly app: AppState) {}

  /** Starts a new import of `files` (replacing any previous report). */
  async start(files: File[]): Promise<void> {
    if (files.length === 0) return;
    this.files = files;
    this.dateOrder = {};
    this.saveName = '';
    await this.run();
  }

  /** Runs the import again with the chosen date orders. */
  async rerun(): Promise<void> {
    if (this.files.length) await this.run();
  }

  cancel(): void {
    this.job?.cancel();
  }

  clear(): void {
    this.cancel();
    this.files = [];
    this.result = null;
    this.hash = null;
    this.dateOrder = {};
    this.error = null;
    this.saved = null;
    this.saveName = '';
    this.elapsedMs = null;
  }

  private async run(): Promise<void> {
    this.job?.cancel();
    this.busy = true;
    this.error = null;
    this.saved = null;
    this.result = null;
    this.hash = null;
    const t0 = performance.now();
    performance.mark('helix-import-start');
    const orders = Object.keys(this.dateOrder).length ? { dateOrder: { ...this.dateOrder } } : undefined;
    const job = this.app.data.importFiles(this.files, orders);
    this.job = job;
    try {
      const out = await job.promise;
      if (this.job !== job) return;
      this.result = out.result;
      this.hash = out.hash;
      this.bytes = out.bytes;
      this.elapsedMs = performance.now() - t0;
      performance.measure('helix-import', 'helix-import-start');
      if (out.result.panel && !this.saveName) {
        this.saveName = formatList(out.result.panel.series.map((s) => s.ticker), 4);
      }
    } catch (err) {
      if (this.job !== job) return;
      this.error = isCancelled(err) ? 'Import cancelled: nothing was stored.' : `The import failed: ${err instanceof Error ? err.message : String(err)}. Nothing was stored.`;
    } finally {
      if (this.job === job) {
        this.busy = false;
        this.job = null;
      }
    }
  }

  /** Saves the imported panel as a new data set under `saveName`. */
  async save(): Promise<void> {
    const result = this.result;
    const hash = this.hash;
    if (!result?.panel || !hash) return;
    this.saving = true;
    this.error = null;
    try {
      const { meta, existed } = await this.app.saveImport(this.saveName, result, hash);
      this.saved = existed
        ? `This data is already stored as “${meta.name}”: selected it instead of storing it twice.`
        : `Saved as “${meta.name}” and selected.`;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    } finally {
      this.saving = false;
    }
  }
}
