// `--cache DIR`: the pipeline's cache in a folder, one file per value (src/core/pipeline/codec.ts
// bytes), so that separate commands (a tuning study, then the backtest of its selection; a run on
// data cut at a date, then on the full data) find what an earlier one computed. Files are written
// to a temporary name and renamed, so a reader never sees half a file and several worker threads
// (or processes) can share the folder. Names are content hashes: a file, once written, never changes.
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { decodeValue, encodeValue } from '../core/pipeline/codec.ts';
import type { RegimeCache } from '../core/pipeline/cache.ts';

export class DirCache implements RegimeCache {
  private readonly made = new Set<string>();
  constructor(readonly dir: string) {}

  private file(name: string): { folder: string; path: string } {
    const safe = name.replace(/[^A-Za-z0-9_-]/g, '-');
    const hash = safe.slice(safe.lastIndexOf('-') + 1);
    const folder = join(this.dir, hash.slice(0, 2));
    return { folder, path: join(folder, `${safe}.hxv`) };
  }

  async getMany(keys: readonly string[]): Promise<(unknown | undefined)[]> {
    return keys.map((k) => {
      const { path } = this.file(k);
      if (!existsSync(path)) return undefined;
      try {
        return decodeValue(new Uint8Array(readFileSync(path)));
      } catch {
        return undefined; // a damaged file is a miss: the value is computed and written again
      }
    });
  }

  async putMany(entries: readonly (readonly [string, unknown])[]): Promise<void> {
    for (const [k, v] of entries) {
      const { folder, path } = this.file(k);
      if (!this.made.has(folder)) { mkdirSync(folder, { recursive: true }); this.made.add(folder); }
      const tmp = `${path}.tmp-${process.pid}-${threadId}`;
      writeFileSync(tmp, encodeValue(v));
      renameSync(tmp, path);
    }
  }
}

/** Checks `--cache DIR` before a run: the folder is created, or an existing path must be a folder. */
export function openCacheDir(dir: string): string {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new Error(`--cache ${dir}: exists and is not a folder — give a folder (it is created when missing)`);
  mkdirSync(dir, { recursive: true });
  return dir;
}
