// Small helpers shared by the CLI commands: a usage error exits with code 2 and one line.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) { super(message); }
}

/** node:util parseArgs, strict, with its errors turned into one-line CliErrors (exit 2). */
export function parseCli<T extends ParseArgsConfig['options']>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message.split('\n')[0]! : String(e));
  }
}

export function num(name: string, raw: string | undefined, fallback?: number): number {
  if (raw === undefined) {
    if (fallback === undefined) throw new CliError(`--${name} is required`);
    return fallback;
  }
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new CliError(`--${name} must be a number, got "${raw}"`);
  return v;
}

/**
 * Let an option take several values after it (`--data a b c`), as the commands are written:
 * rewrites them to the repeated form (`--data a --data b --data c`) that parseArgs understands.
 */
export function expandMultiValues(argv: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  let current: string | null = null;
  for (const a of argv) {
    if (a.startsWith('-')) { current = names.includes(a.replace(/^--/, '')) ? a : null; if (!current) out.push(a); continue; }
    if (current) out.push(current, a); else out.push(a);
  }
  return out;
}
