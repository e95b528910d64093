// The shipped seed cache (public/demo-cache.bin): made by the project's own engine, recomputed here
// path by path and checked identical; a file of another engine version is never used.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { generateDemoPanel, DEMO_DATASET_NAME } from '../../../src/core/data/demo.ts';
import { panelHash } from '../../../src/core/hash.ts';
import { defaultConfig, validateConfig, type RunConfig } from '../../../src/core/config.ts';
import { regimeTasks, runRegimeTasks } from '../../../src/core/pipeline/run.ts';
import { taskKey } from '../../../src/core/pipeline/engine.ts';
import { decodeSeed, encodeSeed, usableSeed } from '../../../src/core/pipeline/seed.ts';
import { ENGINE_VERSION } from '../../../src/core/pipeline/keys.ts';
import { NodeEngineExecutor } from '../../../src/cli/engine-pool.ts';
import { decodeValue, encodeValue } from '../../../src/core/pipeline/codec.ts';
import { gunzipSync, gzipSync } from 'fflate';

const FILE = 'public/demo-cache.bin';

describe('the demo seed cache', async () => {
  const panel = generateDemoPanel();
  const dataKey = await panelHash(panel);
  const d = panel.dates;
  const config = (validateConfig({ ...defaultConfig(), dataset: { id: dataKey, name: DEMO_DATASET_NAME, hash: dataKey, firstDate: d[0]!, lastDate: d[d.length - 1]! } }) as { config: RunConfig }).config;
  const bytes = new Uint8Array(readFileSync(FILE));
  const seed = decodeSeed(bytes);

  it('was made by this engine version, for the demo data set', () => {
    expect(seed.engine, `${FILE} is stale (made by ${seed.engine}, the engine is ${ENGINE_VERSION}): regenerate it with npm run -s cli -- demo-cache --out ${FILE}`).toBe(ENGINE_VERSION);
    expect(seed.dataKey).toBe(dataKey);
  });

  it('holds exactly the default run\'s regime paths, recomputed here bit for bit', async () => {
    const tasks = regimeTasks(dataKey, config);
    const executor = new NodeEngineExecutor({ panel, dataKey, workers: 2 });
    let results;
    try {
      results = await runRegimeTasks(tasks, { dataKey, executor }, config.factors.map((f) => f.ticker));
    } finally {
      await executor.close();
    }
    expect(seed.entries.map(([name]) => name)).toEqual(tasks.map((t) => `task:${taskKey(t)}`));
    const changed = `the engine's numbers differ from those of ${ENGINE_VERSION} stored in ${FILE}: if the change is meant, bump ENGINE_VERSION (src/core/pipeline/keys.ts, so that no browser reads its old cache) and regenerate the file with npm run -s cli -- demo-cache --out ${FILE}`;
    tasks.forEach((_, i) => {
      const want = results[i]!.path, got = seed.entries[i]![1].path;
      expect(Buffer.from(got.labels.buffer).equals(Buffer.from(want.labels.buffer)), changed).toBe(true);
      expect(Buffer.from(got.mu.buffer).equals(Buffer.from(want.mu.buffer)), changed).toBe(true);
      expect(JSON.stringify(got.refits)).toBe(JSON.stringify(want.refits));
      expect(Array.from(got.inSampleLabels!)).toEqual(Array.from(want.inSampleLabels!));
      expect(seed.entries[i]![1].calendar).toEqual(results[i]!.calendar);
    });
    // Encoding is deterministic: the same paths give the same bytes as the shipped file.
    expect(Buffer.from(encodeSeed(dataKey, tasks.map((t, i) => [taskKey(t), results[i]!]))).equals(Buffer.from(bytes))).toBe(true);
  }, 600_000);

  it('is ignored for another data set or another engine version', () => {
    expect(usableSeed(bytes, 'another-data-set')).toEqual([]);
    expect(usableSeed(bytes, dataKey)).toHaveLength(12);
    const raw = decodeValue(gunzipSync(bytes)) as { engine: string };
    const older = gzipSync(encodeValue({ ...raw, engine: 'helix-engine/0' }));
    expect(decodeSeed(older).entries).toHaveLength(12);
    expect(usableSeed(older, dataKey)).toEqual([]);
    expect(() => decodeSeed(new Uint8Array([31, 139, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toThrow();
  });
});
