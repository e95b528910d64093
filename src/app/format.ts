// Numbers and dates formatted for people (Look and feel). One locale for the whole app
// (en-US digits: "1,234.5", "12.3%") so that what a browser test reads on screen is the same on
// every machine; dates are written "18 Jul 2013", which no reader can take for day/month swapped.
// Pure functions: no DOM, usable in components, workers and node tests.
import { daysFromCivil, isoFromDay, monthNumber, validYmd } from '../core/data/dates.ts';

export const LOCALE = 'en-US';
/** Shown for a value that is missing or not a finite number. */
export const MISSING = '—';

/** Month abbreviations, January first: the only month names the app writes. */
export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const numberFormats = new Map<string, Intl.NumberFormat>();
function nf(min: number, max: number, signed: boolean): Intl.NumberFormat {
  const key = `${min}|${max}|${signed}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE, {
      minimumFractionDigits: min,
      maximumFractionDigits: max,
      signDisplay: signed ? 'exceptZero' : 'auto',
      useGrouping: true,
    });
    numberFormats.set(key, f);
  }
  return f;
}

function finite(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** Removes a lone minus from values that round to zero ("-0.0" reads as a sign error). */
function noNegativeZero(s: string): string {
  return /^[-−]0(?:[.,]0*)?%?$/.test(s) ? s.slice(1) : s;
}

export interface PercentOptions {
  /** Fixed number of decimals; by default 1 from 10% up, 2 below (12.3%, 1.23%, 0.04%). */
  digits?: number;
  /** Show "+" on positive values (returns, changes). */
  signed?: boolean;
}

/** A fraction as a percent: 0.1234 → "12.3%", 0.01234 → "1.23%", -0.5 → "-50.0%". */
export function formatPercent(x: number | null | undefined, options: PercentOptions = {}): string {
  if (!finite(x)) return MISSING;
  const p = x * 100;
  const digits = options.digits ?? (Math.abs(p) >= 9.995 ? 1 : 2);
  return noNegativeZero(nf(digits, digits, options.signed ?? false).format(p)) + '%';
}

/** A plain number with thousands separators and a fixed number of decimals: 1234.5 → "1,234.50". */
export function formatNumber(x: number | null | undefined, digits = 2, signed = false): string {
  if (!finite(x)) return MISSING;
  return noNegativeZero(nf(digits, digits, signed).format(x));
}

/** A count: 78123 → "78,123". */
export function formatInteger(x: number | null | undefined): string {
  if (!finite(x)) return MISSING;
  return nf(0, 0, false).format(Math.round(x));
}

/** A ratio such as a Sharpe or information ratio: two decimals. */
export function formatRatio(x: number | null | undefined): string {
  return formatNumber(x, 2);
}

/** Does `iso` look like YYYY-MM-DD with a real month and day? */
function parseIsoDate(iso: string): [number, number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return null;
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  return [y, mo, d];
}

/** An ISO trading date as "18 Jul 2013". Not routed through Date: no time zone can shift the day. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return MISSING;
  const p = parseIsoDate(iso);
  if (!p) return iso;
  return `${p[2]} ${MONTHS[p[1] - 1]} ${p[0]}`;
}

/** "3 Jan 2005 – 31 Dec 2025". */
export function formatDateRange(first: string | null | undefined, last: string | null | undefined): string {
  return `${formatDate(first)} – ${formatDate(last)}`;
}

/** A moment (ms since epoch or an ISO timestamp) in the reader's own time zone: "22 Nov 2025, 14:03". */
export function formatDateTime(t: number | string | Date): string {
  const d = t instanceof Date ? t : new Date(t);
  if (Number.isNaN(d.getTime())) return MISSING;
  const hh = String(d.getHours()).padStart(2, '0');
  const mm = String(d.getMinutes()).padStart(2, '0');
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}, ${hh}:${mm}`;
}

/** A size in bytes: 999 → "999 B", 1536 → "1.5 KB", 52_428_800 → "50.0 MB" (powers of 1024). */
export function formatBytes(bytes: number | null | undefined): string {
  if (!finite(bytes)) return MISSING;
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = Math.abs(bytes);
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  const s = u === 0 ? formatInteger(v) : formatNumber(v, 1);
  return `${bytes < 0 ? '-' : ''}${s} ${units[u]}`;
}

/** A duration: 850 → "850 ms", 12_345 → "12.3 s", 245_000 → "4 min 05 s", 3_720_000 → "1 h 02 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (!finite(ms) || ms < 0) return MISSING;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${formatNumber(ms / 1000, 1)} s`;
  const totalS = Math.round(ms / 1000);
  if (totalS < 3600) return `${Math.floor(totalS / 60)} min ${String(totalS % 60).padStart(2, '0')} s`;
  const totalMin = Math.round(totalS / 60);
  return `${Math.floor(totalMin / 60)} h ${String(totalMin % 60).padStart(2, '0')} min`;
}

/** "1 file", "3 files". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatInteger(n)} ${n === 1 ? one : many}`;
}

/** A short list for labels: ["SPY","QUAL","MTUM","USMV"] → "SPY, QUAL, MTUM and 1 more". */
export function formatList(items: readonly string[], max = 3): string {
  if (items.length === 0) return MISSING;
  if (items.length <= max) return items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
  return `${items.slice(0, max).join(', ')} and ${formatInteger(items.length - max)} more`;
}

/**
 * A setting's fraction as the percent people type: 0.02 → "2%", 0.015 → "1.5%", -0.05 → "-5%"
 * (as many decimals as the value has, up to 10; no float noise such as 1.0999999999999999%).
 */
export function formatPercentExact(x: number | null | undefined): string {
  if (!finite(x)) return MISSING;
  return `${percentDigits(x)}%`;
}

/** The number in a percent input for a fraction: 0.02 → "2" (the "%" sits beside the input). */
export function percentInputText(x: number | null | undefined): string {
  return finite(x) ? percentDigits(x) : '';
}

function percentDigits(x: number): string {
  const p = Number((x * 100).toPrecision(15)); // 15 digits: the value back, without float noise (0.07 × 100 = 7.000000000000001)
  return String(p === 0 ? 0 : p);
}

/**
 * A percent typed by a person ("2", "2%", "1.5 %", "-2", "1,5" is not accepted) as a fraction,
 * shifted in decimal so that "1.1" gives exactly 0.011, not 0.011000000000000001. Null if not a number.
 */
export function parsePercentInput(text: string): number | null {
  const t = text.trim().replace(/\s*%$/, '').replace(/^\u2212/, '-');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t)) return null;
  const x = Number(`${t}e-2`);
  return Number.isFinite(x) ? (x === 0 ? 0 : x) : null;
}

function isoOf(y: number, m: number, d: number): string | null {
  return validYmd(y, m, d) ? isoFromDay(daysFromCivil(y, m, d)) : null;
}

/** What a date field says when it cannot read the text. */
export const DATE_INPUT_HELP = 'write it as 18 Jul 2013 (or YYYY-MM-DD)';

/**
 * A date typed by a person, as an ISO date: "18 Jul 2013" (the way the app writes dates, month
 * names in full or short, any case), "Jul 18, 2013" or "2013-07-18". Numeric day/month forms
 * such as 07/08/2013 are refused: they read two ways. Empty text is `{ iso: null }` (no date).
 */
export function parseDateInput(text: string): { iso: string | null } | { error: string } {
  const t = text.trim().replace(/\s+/g, ' ');
  if (t === '') return { iso: null };
  let iso: string | null = null;
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (m) iso = isoOf(Number(m[1]), Number(m[2]), Number(m[3]));
  else if ((m = /^(\d{1,2})[ -]([A-Za-z]+)\.?,?[ -](\d{4})$/.exec(t))) {
    const mo = monthNumber(m[2]!);
    iso = mo ? isoOf(Number(m[3]), mo, Number(m[1])) : null;
  } else if ((m = /^([A-Za-z]+)\.? (\d{1,2}),? (\d{4})$/.exec(t))) {
    const mo = monthNumber(m[1]!);
    iso = mo ? isoOf(Number(m[3]), mo, Number(m[2])) : null;
  }
  if (iso) return { iso };
  const numeric = /^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$/.test(t);
  return { error: `"${text.trim()}" is not a date${numeric ? ' this app can read without guessing the order of day and month' : ''}: ${DATE_INPUT_HELP}` };
}

/**
 * Text from core or the CLI's world (import reports, run notes, validation messages), written the
 * way the app writes: ISO dates as "18 Jul 2013", whole numbers with thousands separators ("3217
 * trading days" → "3,217 trading days", "100000" → "100,000"). A four-digit number from 1800 to
 * 2199 is taken for a year and left alone, unless a count's noun follows it ("2013 rows"); "1 date(s)"
 * becomes "1 date". Words that merely contain digits (file names, tickers, hashes) are not touched.
 */
export function formatMessage(text: string): string {
  return text
    // "1 date(s)" → "1 date", "3 date(s)" → "3 dates"
    .replace(/(?<![\w.])(\d[\d,]*) ([A-Za-z]+)\(s\)/g, (_all: string, n: string, word: string) => `${n} ${n === '1' ? word : `${word}s`}`)
    .replace(/(?<![\w./-])(\d{4}-\d{2}-\d{2})(?![\w-]|\.\w)/g, (iso: string) => formatDate(iso))
    .replace(/(?<![\w.,/-])\d{4,}(?![\w,]|\.\d)(\s+(?:common\s+)?(?:trading\s+days?|days?|rows?|dates?|values?|lines?|trials?|candidates?|refits?|decisions?|characters?))?/g,
      (all: string, unit: string | undefined) => {
        const digits = unit ? all.slice(0, all.length - unit.length) : all;
        const n = Number(digits);
        const year = digits.length === 4 && n >= 1800 && n < 2200;
        return unit || !year ? `${formatInteger(n)}${unit ?? ''}` : all;
      });
}
