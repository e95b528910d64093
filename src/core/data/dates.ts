// Dates as integer day numbers (days since 1970-01-01, proleptic Gregorian), parsed straight from the
// text without allocating: the importer reads every date of a file this way (data-formats.md rule 3).

/** Days from 1970-01-01 to y-m-d (Howard Hinnant's days_from_civil; exact for any Gregorian date). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of daysFromCivil, written into out[0..2] = year, month, day. */
export function civilFromDays(z: number, out: Int32Array | number[]): void {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  out[0] = yoe + era * 400 + (m <= 2 ? 1 : 0);
  out[1] = m;
  out[2] = d;
}

const ymdScratch = new Int32Array(3);

/** ISO date YYYY-MM-DD of a day number. */
export function isoFromDay(z: number): string {
  civilFromDays(z, ymdScratch);
  const y = ymdScratch[0]!, m = ymdScratch[1]!, d = ymdScratch[2]!;
  return `${y < 1000 ? String(y).padStart(4, '0') : y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** Day number of an ISO date string (YYYY-MM-DD), NaN when it is not one. */
export function dayFromIso(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return NaN;
  const y = +m[1]!, mo = +m[2]!, d = +m[3]!;
  return validYmd(y, mo, d) ? daysFromCivil(y, mo, d) : NaN;
}

/** 0 = Sunday … 6 = Saturday. 1970-01-01 was a Thursday. */
export function weekday(z: number): number {
  return (((z + 4) % 7) + 7) % 7;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Plausible calendar dates only: a price file from before 1800 or after 2200 is a misread column. */
export function validYmd(y: number, m: number, d: number): boolean {
  return y >= 1800 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

// ---------------------------------------------------------------------------------------------
// Shapes. scanDate classifies one cell into a shape and its numeric parts; the column's format is
// decided from the shapes of the whole column (rule 3), then each cell is parsed with that format.

export const SHAPE_NONE = 0;
/** 4-digit year first: 2023-01-03, 2023/01/03, 2023.01.03, optionally followed by a time. parts: y, m, d */
export const SHAPE_YMD = 1;
/** Year last: 01/03/2023, 03.01.2023, 1-3-23, optionally followed by a time. parts: a, b, y (a/b unresolved) */
export const SHAPE_XXY = 2;
/** 8 digits YYYYMMDD. parts: y, m, d */
export const SHAPE_D8 = 3;
/** 6 digits YYYYMM (Ken French monthly). parts: y, m */
export const SHAPE_D6 = 4;
/** Excel serial day number (5 digits, optional fraction). parts: serial */
export const SHAPE_SERIAL = 5;
/** With an English month name: Jan 02, 2024 / 02-Jan-2024 / 2 January 2024. parts: y, m, d */
export const SHAPE_MONTH_NAME = 6;

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9, october: 10,
  november: 11, december: 12,
};

/** The month (1-12) of an English month name, full or short, any case ("Sept" too); 0 if none. */
export function monthNumber(name: string): number {
  return MONTHS[name.toLowerCase()] ?? 0;
}

/** Two-digit years: 00-69 → 2000s, 70-99 → 1900s (the POSIX strptime pivot). */
function fullYear(y: number, digits: number): number {
  if (digits > 2) return y;
  return y < 70 ? 2000 + y : 1900 + y;
}

function isDigit(c: number): boolean { return c >= 48 && c <= 57; }
function isSpace(c: number): boolean { return c === 32 || c === 9 || c === 160; }

/**
 * Classify text[s, e) as a date shape and write its numeric parts into out (a float scratch of
 * length ≥ 4). out[3] holds the separator char code for SHAPE_YMD / SHAPE_XXY. No allocation
 * except for month names.
 */
export function scanDate(text: string, s: number, e: number, out: Float64Array): number {
  while (s < e && isSpace(text.charCodeAt(s))) s++;
  while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
  if (s >= e) return SHAPE_NONE;
  // Leading run of digits.
  let i = s, v1 = 0;
  while (i < e && isDigit(text.charCodeAt(i))) { v1 = v1 * 10 + text.charCodeAt(i) - 48; i++; }
  const n1 = i - s;
  if (n1 === 0) return scanMonthName(text, s, e, out);
  if (i === e || text.charCodeAt(i) === 46 /* . */ && n1 === 5 && allDigits(text, i + 1, e)) {
    if (n1 === 8) { out[0] = Math.floor(v1 / 10000); out[1] = Math.floor(v1 / 100) % 100; out[2] = v1 % 100; return SHAPE_D8; }
    if (n1 === 6) { out[0] = Math.floor(v1 / 100); out[1] = v1 % 100; out[2] = 1; return SHAPE_D6; }
    if (n1 === 5) { out[0] = v1; return SHAPE_SERIAL; }
    return SHAPE_NONE;
  }
  const sep = text.charCodeAt(i);
  if (sep !== 45 /* - */ && sep !== 47 /* / */ && sep !== 46 /* . */) {
    if (isSpace(sep) && n1 <= 2) return scanMonthName(text, s, e, out);
    return SHAPE_NONE;
  }
  if (n1 > 4 || n1 === 3) return SHAPE_NONE;
  i++;
  let v2 = 0; const j0 = i;
  while (i < e && isDigit(text.charCodeAt(i))) { v2 = v2 * 10 + text.charCodeAt(i) - 48; i++; }
  const n2 = i - j0;
  if (n2 === 0) {
    // 02-Jan-2024
    return n1 <= 2 ? scanMonthName(text, s, e, out) : SHAPE_NONE;
  }
  if (n2 > 2 || i >= e || text.charCodeAt(i) !== sep) return SHAPE_NONE;
  i++;
  let v3 = 0; const k0 = i;
  while (i < e && isDigit(text.charCodeAt(i))) { v3 = v3 * 10 + text.charCodeAt(i) - 48; i++; }
  const n3 = i - k0;
  // A time may follow after a space or 'T' (yfinance: "2023-01-03 00:00:00-05:00"): the date as
  // written is the exchange's trading date, so the time and its zone are ignored on purpose.
  if (i < e) {
    const c = text.charCodeAt(i);
    if (!(isSpace(c) || c === 84 /* T */)) return SHAPE_NONE;
  }
  out[3] = sep;
  if (n1 === 4) {
    if (n3 === 0 || n3 > 2) return SHAPE_NONE;
    out[0] = v1; out[1] = v2; out[2] = v3;
    return SHAPE_YMD;
  }
  if (n3 !== 4 && n3 !== 2) return SHAPE_NONE;
  out[0] = v1; out[1] = v2; out[2] = fullYear(v3, n3);
  return SHAPE_XXY;
}

function allDigits(text: string, s: number, e: number): boolean {
  if (s >= e) return false;
  for (let i = s; i < e; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

function scanMonthName(text: string, s: number, e: number, out: Float64Array): number {
  if (e - s > 40) return SHAPE_NONE;
  const tokens = text.slice(s, e).toLowerCase().split(/[\s,./-]+/).filter((t) => t.length > 0);
  if (tokens.length !== 3) return SHAPE_NONE;
  let month = 0, year = -1, day = -1;
  for (const t of tokens) {
    if (/^\d+$/.test(t)) {
      if (t.length === 4) { if (year >= 0) return SHAPE_NONE; year = +t; }
      else if (t.length <= 2) {
        if (day < 0) day = +t;
        else if (year < 0) year = fullYear(+t, 2);
        else return SHAPE_NONE;
      } else return SHAPE_NONE;
    } else {
      const m = MONTHS[t];
      if (m === undefined || month) return SHAPE_NONE;
      month = m;
    }
  }
  if (!month || year < 0 || day < 0) return SHAPE_NONE;
  out[0] = year; out[1] = month; out[2] = day;
  return SHAPE_MONTH_NAME;
}

/** Excel's day 25569 is 1970-01-01 (epoch 1899-12-30, correct for every date after 1900-02-28). */
export const EXCEL_EPOCH_OFFSET = 25569;

/** Year 1927 … 2173 as Excel serials: a 5-digit number outside is not read as a date. */
export function plausibleSerial(v: number): boolean {
  return v >= 10000 && v <= 99999;
}

export type DateOrderChoice = 'mdy' | 'dmy';

/** A resolved column format. */
export interface DateFormat {
  shape: number;
  /** For SHAPE_XXY only. */
  order?: DateOrderChoice;
  /** For display: 'YYYY-MM-DD', 'MM/DD/YYYY', 'DD.MM.YYYY', 'YYYYMMDD', 'YYYYMM', 'excel-serial', … */
  label: string;
}

const scratch = new Float64Array(4);

/**
 * Parse text[s, e) with a resolved format; NaN when the cell is not a valid date in that format.
 * YYYYMM dates are placed on the last calendar day of the month (the return is over that month).
 */
export function parseDateCell(text: string, s: number, e: number, fmt: DateFormat): number {
  const shape = scanDate(text, s, e, scratch);
  if (shape !== fmt.shape) {
    // YYYYMMDD columns may hold an Excel serial-looking 5-digit value only by mistake; no cross-shape reads.
    return NaN;
  }
  let y: number, m: number, d: number;
  switch (shape) {
    case SHAPE_YMD: case SHAPE_D8: case SHAPE_MONTH_NAME:
      y = scratch[0]!; m = scratch[1]!; d = scratch[2]!; break;
    case SHAPE_D6:
      y = scratch[0]!; m = scratch[1]!;
      if (!(m >= 1 && m <= 12)) return NaN;
      d = daysInMonth(y, m); break;
    case SHAPE_XXY:
      if (fmt.order === 'dmy') { d = scratch[0]!; m = scratch[1]!; } else { m = scratch[0]!; d = scratch[1]!; }
      y = scratch[2]!; break;
    case SHAPE_SERIAL: {
      const v = Math.floor(scratch[0]!);
      return plausibleSerial(v) ? v - EXCEL_EPOCH_OFFSET : NaN;
    }
    default: return NaN;
  }
  return validYmd(y, m, d) ? daysFromCivil(y, m, d) : NaN;
}

/** True when the cell has some date shape whose parts form a valid date under at least one reading. */
export function looksLikeDate(text: string, s: number, e: number, allowSerial: boolean): boolean {
  const shape = scanDate(text, s, e, scratch);
  switch (shape) {
    case SHAPE_YMD: case SHAPE_D8: case SHAPE_MONTH_NAME:
      return validYmd(scratch[0]!, scratch[1]!, scratch[2]!);
    case SHAPE_D6: return scratch[0]! >= 1800 && scratch[0]! <= 2200 && scratch[1]! >= 1 && scratch[1]! <= 12;
    case SHAPE_XXY:
      return validYmd(scratch[2]!, scratch[1]!, scratch[0]!) || validYmd(scratch[2]!, scratch[0]!, scratch[1]!);
    case SHAPE_SERIAL: return allowSerial && plausibleSerial(Math.floor(scratch[0]!));
    default: return false;
  }
}

export interface DateColumnDetection {
  /** null when no cell of the column has a date shape. */
  format: DateFormat | null;
  /** Both month-first and day-first read every cell cleanly (rule 3: ask, do not guess). */
  ambiguous: boolean;
  /** For an ambiguous column: the order under which consecutive dates are most regularly spaced. */
  likely?: DateOrderChoice;
  /** A user's order that the data contradicts (e.g. "mdy" with 13/01/2020 present). */
  rejectedChoice?: DateOrderChoice;
  /** First cells of the column, for messages. */
  examples: string[];
}

function sepLabel(sep: number): string { return String.fromCharCode(sep); }

/**
 * Decide the date format of a column from every cell (data-formats.md rule 3). `cells` yields the
 * [start, end) offsets of each cell in `text`. `choice` is the user's day/month order, if given.
 */
export function detectDateColumn(
  text: string, starts: Int32Array, ends: Int32Array, count: number, choice?: DateOrderChoice,
): DateColumnDetection {
  const shapeCount = new Int32Array(7);
  let sepYmd = 45, sepXxy = 47, aOver12 = 0, bOver12 = 0, monthFirstWord = 0, monthNameCells = 0;
  const examples: string[] = [];
  // Regularity of day/month readings: count consecutive steps of 1-5 days under each reading.
  let prevMdy = NaN, prevDmy = NaN, regularMdy = 0, regularDmy = 0;
  for (let k = 0; k < count; k++) {
    const s = starts[k]!, e = ends[k]!;
    const shape = scanDate(text, s, e, scratch);
    if (shape === SHAPE_NONE) continue;
    if (shape === SHAPE_SERIAL && !plausibleSerial(Math.floor(scratch[0]!))) continue;
    shapeCount[shape]!++;
    if (examples.length < 3) examples.push(text.slice(s, e).trim());
    if (shape === SHAPE_YMD) sepYmd = scratch[3]!;
    else if (shape === SHAPE_XXY) {
      sepXxy = scratch[3]!;
      const a = scratch[0]!, b = scratch[1]!, y = scratch[2]!;
      if (a > 12) aOver12++;
      if (b > 12) bOver12++;
      const mdy = validYmd(y, a, b) ? daysFromCivil(y, a, b) : NaN;
      const dmy = validYmd(y, b, a) ? daysFromCivil(y, b, a) : NaN;
      if (Math.abs(mdy - prevMdy) >= 1 && Math.abs(mdy - prevMdy) <= 5) regularMdy++;
      if (Math.abs(dmy - prevDmy) >= 1 && Math.abs(dmy - prevDmy) <= 5) regularDmy++;
      prevMdy = mdy; prevDmy = dmy;
    } else if (shape === SHAPE_MONTH_NAME) {
      monthNameCells++;
      if (/^\s*[A-Za-z]/.test(text.slice(s, Math.min(e, s + 4)))) monthFirstWord++;
    }
  }
  let best = SHAPE_NONE, bestCount = 0;
  for (let sh = 1; sh < 7; sh++) if (shapeCount[sh]! > bestCount) { best = sh; bestCount = shapeCount[sh]!; }
  if (best === SHAPE_NONE) return { format: null, ambiguous: false, examples };
  switch (best) {
    case SHAPE_YMD: { const p = sepLabel(sepYmd); return { format: { shape: best, label: `YYYY${p}MM${p}DD` }, ambiguous: false, examples }; }
    case SHAPE_D8: return { format: { shape: best, label: 'YYYYMMDD' }, ambiguous: false, examples };
    case SHAPE_D6: return { format: { shape: best, label: 'YYYYMM' }, ambiguous: false, examples };
    case SHAPE_SERIAL: return { format: { shape: best, label: 'excel-serial' }, ambiguous: false, examples };
    case SHAPE_MONTH_NAME:
      return { format: { shape: best, label: monthFirstWord * 2 > monthNameCells ? 'MMM DD, YYYY' : 'DD-MMM-YYYY' }, ambiguous: false, examples };
  }
  // Year last: which of the first two numbers is the month?
  const p = sepLabel(sepXxy);
  const fmt = (order: DateOrderChoice): DateFormat => ({
    shape: SHAPE_XXY, order, label: order === 'mdy' ? `MM${p}DD${p}YYYY` : `DD${p}MM${p}YYYY`,
  });
  let forced: DateOrderChoice | null = null;
  if (aOver12 > 0 && bOver12 === 0) forced = 'dmy';
  else if (bOver12 > 0 && aOver12 === 0) forced = 'mdy';
  else if (aOver12 > 0 && bOver12 > 0) forced = aOver12 >= bOver12 ? 'dmy' : 'mdy'; // mixed: fewer bad rows
  if (forced) {
    const rejected = choice && choice !== forced ? choice : undefined;
    return { format: fmt(forced), ambiguous: false, examples, ...(rejected ? { rejectedChoice: rejected } : {}) };
  }
  if (choice) return { format: fmt(choice), ambiguous: false, examples };
  const likely: DateOrderChoice = regularDmy > regularMdy ? 'dmy' : 'mdy';
  return { format: fmt(likely), ambiguous: true, likely, examples };
}
