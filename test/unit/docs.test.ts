// The reference pages generated from the code (settings from the configuration's field table, the
// command line from each command's --help) are what `npm run -s cli -- docs` writes now.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { settingsMarkdown, cliMarkdown } from '../../src/cli/commands/docs.ts';

describe('generated docs', () => {
  it('docs/settings.md is current (regenerate with npm run -s cli -- docs)', () => {
    expect(readFileSync('docs/settings.md', 'utf8')).toBe(settingsMarkdown());
  });
  it('docs/cli.md is current (regenerate with npm run -s cli -- docs)', async () => {
    expect(readFileSync('docs/cli.md', 'utf8')).toBe(await cliMarkdown());
  });
  it('every doc the README links to exists', () => {
    const readme = readFileSync('README.md', 'utf8');
    const links = [...readme.matchAll(/\]\((docs\/[^)#]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(8);
    for (const l of links) expect(() => readFileSync(l), l).not.toThrow();
  });
});
