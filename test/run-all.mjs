// The whole suite: type checks, unit tests in node, browser tests in real headless Chromium.
// Prints one closing line "tests: N passed, N failed, N skipped" and exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';

mkdirSync('test-artifacts', { recursive: true });
let passed = 0, failed = 0, skipped = 0, stageFailures = [];

function run(name, cmd, args, jsonFile) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  if (jsonFile && existsSync(jsonFile)) {
    const j = JSON.parse(readFileSync(jsonFile, 'utf8'));
    passed += j.numPassedTests ?? 0; failed += j.numFailedTests ?? 0;
    skipped += (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  }
  if (r.status !== 0) stageFailures.push(name);
}

run('type checks', 'npm', ['run', '-s', 'check']);
run('unit tests (node)', 'npx', ['vitest', 'run', '--config', 'vitest.config.ts', '--reporter=default', '--reporter=json', '--outputFile.json=test-artifacts/unit.json'], 'test-artifacts/unit.json');
const pre = spawnSync('node', ['test/e2e/ensure-chromium.mjs'], { stdio: 'inherit' });
if (pre.status !== 0) stageFailures.push('chromium');
else {
  const b = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (b.status !== 0) stageFailures.push('build');
  else run('browser tests (Chromium)', 'npx', ['vitest', 'run', '--config', 'vitest.e2e.config.ts', '--reporter=default', '--reporter=json', '--outputFile.json=test-artifacts/e2e.json'], 'test-artifacts/e2e.json');
}
if (stageFailures.length) console.log(`\nFailed stages: ${stageFailures.join(', ')}`);
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(stageFailures.length || failed ? 1 : 0);
