// `npm run cli`: runs the command line from a bundle instead of compiling TypeScript on every call
// (tsx spends most of a second before any work). The bundle (one file per command, the engine's
// worker-thread entry, and the chunks they share) lives in node_modules/.cache/helix-cli and is
// rebuilt with esbuild, in about a second, whenever a source file under src/ or the lock file is newer
// than it — so a checkout, an edit or an `npm ci` is always picked up.
import { existsSync, readdirSync, statSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'node_modules', '.cache', 'helix-cli');
const stamp = join(out, 'stamp.json');

function newest(dir, acc = { t: 0 }) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== 'app') newest(p, acc); }
    else if (/\.(ts|mjs|js|json)$/.test(e.name)) acc.t = Math.max(acc.t, statSync(p).mtimeMs);
  }
  return acc.t;
}

function sourcesTime() {
  let t = newest(join(root, 'src'));
  for (const f of ['package-lock.json', 'package.json']) if (existsSync(join(root, f))) t = Math.max(t, statSync(join(root, f)).mtimeMs);
  return t;
}

async function build(t) {
  const esbuild = await import('esbuild');
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: { main: 'src/cli/main.ts', 'engine-worker': 'src/cli/engine-worker.ts' },
    outdir: out,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'error',
  });
  writeFileSync(stamp, JSON.stringify({ sources: t, builtFrom: relative(out, root) }));
}

const t = sourcesTime();
let fresh = false;
try { fresh = existsSync(join(out, 'main.mjs')) && JSON.parse(readFileSync(stamp, 'utf8')).sources >= t; } catch { fresh = false; }
if (!fresh) await build(t);
await import(pathToFileURL(join(out, 'main.mjs')).href);
