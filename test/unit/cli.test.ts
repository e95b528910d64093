import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';

describe('cli dispatcher', () => {
  it('lists commands with --help and rejects unknown ones with exit 2', () => {
    const help = spawnSync('npx', ['tsx', 'src/cli/main.ts', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('import');
    const bad = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'frobnicate'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('Unknown command "frobnicate"');
  });
});
