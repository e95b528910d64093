// Numbers as people's files write them (data-formats.md rule 4): thousands separators, decimal
// commas, K/M/B suffixes, percent signs, and the many spellings of "no value".

/** Tokens meaning "no value" (case-insensitive): Yahoo's null, FRED's '.', spreadsheet errors, … */
const MISSING = new Set([
  '', 'null', 'nan', 'na', 'n/a', '#n/a', 'none', '.', '-', '--', '—', 'nd', '#value!', '#ref!', '#div/0!', 'nil', 'undefined',
]);

export function isMissingToken(s: string): boolean {
  return MISSING.has(s.length <= 10 ? s.toLowerCase() : s);
}

/** Ken French's library writes -99.99 (and -999) for a missing observation. */
export function isMissingSentinel(v: number): boolean {
  return v === -99.99 || v === -999;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * Fast path straight from the text, no string made: a plain decimal ([+-]digits[.digits], spaces
 * around allowed) with at most 15 significant digits. Then mantissa and 10^k are exact doubles and
 * one IEEE division gives the correctly rounded value — the very double Number() returns (Clinger's
 * fast path). Anything else returns NaN and the caller takes the string path.
 */
export function parsePlainAt(text: string, s: number, e: number, decimalComma: boolean): number {
  while (s < e && text.charCodeAt(s) === 32) s++;
  while (e > s && text.charCodeAt(e - 1) === 32) e--;
  if (s >= e) return NaN;
  let neg = false;
  let c = text.charCodeAt(s);
  if (c === 45 || c === 43) { neg = c === 45; s++; }
  const point = decimalComma ? 44 : 46;
  let m = 0, digits = 0, frac = -1, any = false;
  for (let i = s; i < e; i++) {
    c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      any = true;
      if (digits > 0 || c !== 48) digits++;
      m = m * 10 + (c - 48);
      if (frac >= 0) frac++;
    } else if (c === point && frac < 0) frac = 0;
    else return NaN;
  }
  if (!any || digits > 15) return NaN;
  const k = frac < 0 ? 0 : frac;
  if (k > 22) return NaN;
  const v = k === 0 ? m : m / POW10[k]!;
  return neg ? -v : v;
}

const SUFFIX: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9, t: 1e12 };
const PLAIN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parse one cell. NaN when it is not a number (callers test isMissingToken first to tell "missing"
 * from "invalid"). With decimalComma, '.' and spaces are thousands separators and ',' the decimal
 * mark; without it ',' is a thousands separator. The value is Number() of the cleaned decimal
 * string, so a decimal written in the file is read to exactly the double JavaScript gives it.
 */
export function parseNumber(raw: string, decimalComma: boolean): number {
  let s = raw;
  // Fast path: a plain decimal, the overwhelmingly common case.
  if (!(decimalComma && s.indexOf('.') >= 0) && PLAIN.test(s)) return Number(s);
  s = s.trim();
  if (s.length === 0) return NaN;
  let sign = 1;
  if (s.charCodeAt(0) === 40 /* ( */ && s.charCodeAt(s.length - 1) === 41 /* ) */) { sign = -1; s = s.slice(1, -1); }
  // Spaces (incl. no-break and thin spaces), apostrophes (Swiss 1'234.5) and currency signs are never part of a number.
  s = s.replace(/[\s\u00a0\u202f'’$€£¥]/g, '');
  if (s.endsWith('%')) s = s.slice(0, -1);
  let mult = 1;
  const last = s.charAt(s.length - 1).toLowerCase();
  if (last in SUFFIX && s.length > 1 && /\d/.test(s.charAt(s.length - 2))) { mult = SUFFIX[last]!; s = s.slice(0, -1); }
  if (decimalComma) s = s.replace(/\./g, '').replace(',', '.');
  else s = s.replace(/,/g, '');
  if (!PLAIN.test(s)) return NaN;
  const v = Number(s);
  return sign * (mult === 1 ? v : v * mult);
}

/**
 * Does this column write decimals with a comma? Evidence from every cell (rule 4):
 * "1.234,56" or "12,5" says comma; "1,234.56", "1,234,567" or "12.5" says point; "1,234" and "1.234"
 * could be either, and then the delimiter decides (';' files come from decimal-comma locales).
 */
export function detectDecimalComma(cells: string[], delimiter: string): boolean {
  let commaVotes = 0, pointVotes = 0;
  for (const raw of cells) {
    const s = raw.trim();
    const lastComma = s.lastIndexOf(','), lastDot = s.lastIndexOf('.');
    if (lastComma < 0 && lastDot < 0) continue;
    if (lastComma >= 0 && lastDot >= 0) {
      if (lastComma > lastDot) commaVotes++; else pointVotes++;
      continue;
    }
    if (lastComma >= 0) {
      const digitsAfter = countDigitsAfter(s, lastComma);
      const several = s.indexOf(',') !== lastComma;
      if (several) pointVotes++; // 1,234,567: commas group thousands
      else if (digitsAfter !== 3) commaVotes++; // 12,5 or 0,0123
    } else {
      const digitsAfter = countDigitsAfter(s, lastDot);
      const several = s.indexOf('.') !== lastDot;
      if (several) commaVotes++; // 1.234.567: dots group thousands
      else if (digitsAfter !== 3) pointVotes++;
    }
  }
  if (commaVotes > 0 && pointVotes === 0) return true;
  if (pointVotes > 0 && commaVotes === 0) return false;
  if (commaVotes === 0 && pointVotes === 0) return delimiter === ';';
  return commaVotes > pointVotes;
}

function countDigitsAfter(s: string, at: number): number {
  let n = 0;
  for (let i = at + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++; else break;
  }
  return n;
}
