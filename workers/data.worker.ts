// The data worker: parsing, the demo panel and content hashes run here, off the page's
// main thread. A thin shell over src/core/data (the squoosh pattern, conventions.md): the page
// imports only `type DataWorkerApi` and talks to it through comlink.
//
// Big results go back by transfer, not copy: the Float64Array buffers of the panel move to the
// page (the worker keeps nothing). Input bytes arrive transferred from the page the same way.
import { expose, transfer } from 'comlink';
import { importFiles, generateDemoPanel, panelToCsvFiles, panelHash } from '../src/core/data/index.ts';
import type { ImportInput, ImportOptions, ImportResult } from '../src/core/data/types.ts';
import type { Panel } from '../src/core/data/panel.ts';

/** The distinct buffers behind a panel's series (two views on one buffer must be listed once). */
function panelBuffers(panel: Panel | null | undefined): ArrayBuffer[] {
  if (!panel) return [];
  const set = new Set<ArrayBuffer>();
  for (const s of panel.series) if (s.values.buffer instanceof ArrayBuffer) set.add(s.values.buffer);
  return [...set];
}

const api = {
  /** core importFiles, with the panel's buffers transferred back. */
  importFiles(files: ImportInput[], options?: ImportOptions): ImportResult {
    const result = importFiles(files, options);
    return transfer(result, panelBuffers(result.panel));
  },

  /** Import and content hash in one round trip: the page needs the hash to save the data set. */
  async importAndHash(files: ImportInput[], options?: ImportOptions): Promise<{ result: ImportResult; hash: string | null }> {
    const result = importFiles(files, options);
    const hash = result.panel ? await panelHash(result.panel) : null;
    return transfer({ result, hash }, panelBuffers(result.panel));
  },

  /** The seeded simulated panel. */
  generateDemoPanel(seed?: number): Panel {
    const panel = generateDemoPanel(seed);
    return transfer(panel, panelBuffers(panel));
  },

  /** The demo panel and its content hash in one round trip (first open). */
  async demoWithHash(seed?: number): Promise<{ panel: Panel; hash: string }> {
    const panel = generateDemoPanel(seed);
    const hash = await panelHash(panel);
    return transfer({ panel, hash }, panelBuffers(panel));
  },

  /** SHA-256 of the normalised panel (the data set id). */
  panelHash(panel: Panel): Promise<string> {
    return panelHash(panel);
  },

  /** CSV files that re-import to the same panel (the "download as CSV" buttons). */
  panelToCsvFiles(panel: Panel): ReturnType<typeof panelToCsvFiles> {
    return panelToCsvFiles(panel);
  },
};

export type DataWorkerApi = typeof api;

expose(api);
