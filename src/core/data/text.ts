// Bytes to text: byte order marks, UTF-16 spreadsheet exports, non-UTF-8 legacy files, and the
// binary files people drop by mistake (an .xlsx is a zip), each with a message saying what to do.
import type { ImportInput } from './types.ts';

export type Decoded = { ok: true; text: string; encoding: string } | { ok: false; error: string; action: string };

function decodeWith(label: string, bytes: Uint8Array, fatal: boolean): string | null {
  try {
    return new TextDecoder(label, { fatal }).decode(bytes);
  } catch {
    return null;
  }
}

function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

/** Share of NUL bytes at even and odd positions of the first 1 KB: UTF-16 without a BOM shows up here. */
function nulProfile(bytes: Uint8Array): { even: number; odd: number; n: number } {
  const n = Math.min(bytes.length, 1024);
  let even = 0, odd = 0;
  for (let i = 0; i < n; i++) if (bytes[i] === 0) { if (i % 2 === 0) even++; else odd++; }
  return { even, odd, n };
}

export function decodeInput(input: ImportInput): Decoded {
  if (typeof input.text === 'string') return checkText(input.text, 'text');
  const bytes = input.bytes;
  if (!(bytes instanceof Uint8Array)) {
    return { ok: false, error: 'no content (neither text nor bytes were given)', action: 'file rejected' };
  }
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    return { ok: false, error: 'this is a zip archive or an Excel workbook (.xlsx), not a CSV file', action: 'file rejected: open it in a spreadsheet and save the sheet as CSV, then import that' };
  }
  if (bytes.length >= 4 && bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    return { ok: false, error: 'this is an old Excel workbook (.xls), not a CSV file', action: 'file rejected: save the sheet as CSV and import that' };
  }
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return checkText(decodeWith('utf-8', bytes.subarray(3), false) ?? '', 'utf-8 (with byte order mark)');
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return checkText(decodeWith('utf-16le', bytes.subarray(2), false) ?? '', 'utf-16le');
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return checkText(decodeWith('utf-16be', bytes.subarray(2), false) ?? '', 'utf-16be');
  }
  const nul = nulProfile(bytes);
  if (nul.n >= 8 && nul.odd > nul.n * 0.3 && nul.even < nul.n * 0.05) {
    return checkText(decodeWith('utf-16le', bytes, false) ?? '', 'utf-16le (no byte order mark)');
  }
  if (nul.n >= 8 && nul.even > nul.n * 0.3 && nul.odd < nul.n * 0.05) {
    return checkText(decodeWith('utf-16be', bytes, false) ?? '', 'utf-16be (no byte order mark)');
  }
  const utf8 = decodeWith('utf-8', bytes, true);
  if (utf8 !== null) return checkText(utf8, 'utf-8');
  // Not valid UTF-8: legacy spreadsheet exports are Windows-1252; its letters only matter in headers.
  return checkText(decodeWith('windows-1252', bytes, false) ?? latin1(bytes), 'windows-1252');
}

function checkText(raw: string, encoding: string): Decoded {
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  const head = text.slice(0, 4096);
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c === 0 || (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12)) control++;
  }
  if (head.length > 0 && (head.indexOf('\u0000') >= 0 || control > head.length * 0.05)) {
    return { ok: false, error: 'the file looks binary (it contains control bytes), not like a text/CSV file', action: 'file rejected: export the data as CSV and import that' };
  }
  return { ok: true, text, encoding };
}
