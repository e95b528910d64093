// One file → its report and its series (data-formats.md "Rules" 1-6). Never throws: whatever the
// bytes, the caller gets a FileReport saying what was found and what was done about every problem.
import type { ColumnKind, DateAmbiguity, FileReport, ImportInput, ImportOptions } from './types.ts';
import { decodeInput } from './text.ts';
import { cell, detectDelimiter, fieldText, isBlankRow, rowLength, tokenize, type Table } from './csv.ts';
import {
  detectDateColumn, isoFromDay, looksLikeDate, parseDateCell, plausibleSerial, scanDate,
  SHAPE_D6, SHAPE_D8, SHAPE_NONE, SHAPE_SERIAL, type DateFormat,
} from './dates.ts';
import { detectDecimalComma, isMissingSentinel, isMissingToken, parseNumber, parsePlainAt } from './numbers.ts';
import { IssueLog } from './issues.ts';
import {
  DATE_ALIASES, ENVIRONMENT_TICKERS, IGNORED_ALIASES, PERCENT_RETURN_ALIASES, RETURN_ALIASES, TICKER_ALIASES_HEADER,
  ADJ_CLOSE_ALIASES, CLOSE_ALIASES, cleanTicker, looksLikeFredId, normaliseHeader, normaliseTicker, tickerFromFileName, valueRank,
} from './tickers.ts';

/** One imported series, before alignment. Values are prices (return columns already turned into an index) or levels. */
export interface ParsedSeries {
  ticker: string;
  file: string;
  source: string;
  /** What the file's column held (data-formats.md rule 5). */
  columnKind: ColumnKind;
  /** 'price' for prices and return indices, 'level' for environment series. */
  kind: 'price' | 'level';
  /** Day numbers (days since 1970-01-01), strictly ascending. */
  days: Int32Array;
  /** values[i] belongs to days[i]; NaN = the file has the date but no usable value. */
  values: Float64Array;
  /** 1-based file line of each value, for messages. */
  lines: Int32Array;
}

export interface ParsedFile {
  report: FileReport;
  series: ParsedSeries[];
  ambiguity: DateAmbiguity | null;
}

const VALID_KINDS = new Set<ColumnKind>(['price', 'return', 'percentReturn', 'level']);

/** Read one file. Never throws. */
export function parseFile(input: ImportInput, options: ImportOptions = {}): ParsedFile {
  const name = input && typeof input.name === 'string' && input.name.length > 0 ? input.name : '(unnamed file)';
  const log = new IssueLog(name);
  const report: FileReport = {
    file: name, source: 'generic', layout: 'single', delimiter: ',', dateFormat: '', tickers: [], rows: 0,
    adjusted: false, kinds: {}, accepted: false, issues: [],
  };
  try {
    return parseInner(input, name, options ?? {}, report, log);
  } catch (e) {
    log.add('error', `internal error while reading this file: ${e instanceof Error ? e.message : String(e)}`,
      'file rejected (please report this, with the file, as a bug)');
    report.accepted = false;
    report.issues = log.finish();
    return { report, series: [], ambiguity: null };
  }
}

function reject(report: FileReport, log: IssueLog, message: string, action = 'file rejected', row?: number): ParsedFile {
  log.add('error', message, action, row);
  report.accepted = false;
  report.tickers = [];
  report.kinds = {};
  report.issues = log.finish();
  return { report, series: [], ambiguity: null };
}

// ------------------------------------------------------------------------------------------------
// Structure: where the header is, where the data block starts and ends (rule 1: "find the header row
// below any preamble").

interface Structure {
  start: number;
  dateIdx: number;
  headerRow: number;
  twoLevel: { fieldsRow: number; tickersRow: number } | null;
  preambleRows: number[];
  dataRows: Int32Array;
  /** Non-blank rows after the data block: the Ken French annual table, a footer … */
  after: { count: number; line: number; text: string } | null;
}

function numberish(s: string): boolean {
  return isMissingToken(s) || Number.isFinite(parseNumber(s, false)) || Number.isFinite(parseNumber(s, true));
}

/** Index of the date cell (among the first three) when row r reads as data: a date and a number or a missing mark. */
function dateCellIndex(t: Table, r: number): number {
  const len = rowLength(t, r);
  if (len < 2) return -1;
  const base = t.rowStart[r]!;
  for (let c = 0; c < Math.min(3, len); c++) {
    if (!looksLikeDate(t.text, t.fieldStart[base + c]!, t.fieldEnd[base + c]!, c === 0)) continue;
    for (let c2 = 0; c2 < len; c2++) {
      if (c2 === c) continue;
      const s = fieldText(t, base + c2);
      if (s.length > 0 && numberish(s)) return c;
    }
  }
  return -1;
}

function prevNonBlank(t: Table, r: number): number {
  for (let q = r - 1; q >= 0; q--) if (!isBlankRow(t, q)) return q;
  return -1;
}

function rowCells(t: Table, r: number): string[] {
  const out: string[] = [];
  for (let c = 0, n = rowLength(t, r); c < n; c++) out.push(cell(t, r, c));
  return out;
}

const scratch = new Float64Array(4);

function hasDateShape(t: Table, r: number, c: number): boolean {
  if (c >= rowLength(t, r)) return false;
  const k = t.rowStart[r]! + c;
  const shape = scanDate(t.text, t.fieldStart[k]!, t.fieldEnd[k]!, scratch);
  if (shape === SHAPE_SERIAL) return plausibleSerial(Math.floor(scratch[0]!));
  return shape !== SHAPE_NONE;
}

/** Does row r name its columns with known aliases: a date column (returned) beside a value, ticker or ignored column? */
function namedColumns(t: Table, r: number): number {
  const len = rowLength(t, r);
  if (len < 2) return -1;
  const names = rowCells(t, r).map(normaliseHeader);
  const date = names.findIndex((h) => DATE_ALIASES.has(h));
  if (date < 0) return -1;
  const other = names.some((h, c) => c !== date && (valueRank(h) > 0 || TICKER_ALIASES_HEADER.has(h)));
  return other ? date : -1;
}

/**
 * The header of the table whose first readable row is `start`: a row of known column names above
 * it, with only rows that have a date in the date column in between (data rows whose values are
 * bad). Null when the row above the data is not such a header (the usual case: nothing moves).
 */
function namedHeaderAbove(t: Table, start: number, dateIdx: number): { row: number; dateIdx: number } | null {
  let skipped = 0;
  for (let r = start - 1; r >= 0; r--) {
    if (isBlankRow(t, r)) continue;
    if (hasDateShape(t, r, dateIdx)) { skipped++; continue; }
    const d = namedColumns(t, r);
    return skipped > 0 && d === dateIdx ? { row: r, dateIdx: d } : null;
  }
  return null;
}

/** No row reads as data: a header of known column names followed by a dated row still makes a table (of bad rows). */
function findNamedHeader(t: Table, limit: number): { row: number; dateIdx: number } | null {
  for (let r = 0; r < limit; r++) {
    if (isBlankRow(t, r)) continue;
    const d = namedColumns(t, r);
    if (d < 0) continue;
    for (let r2 = r + 1; r2 < t.nRows; r2++) {
      if (isBlankRow(t, r2)) continue;
      if (hasDateShape(t, r2, d)) return { row: r, dateIdx: d };
      break;
    }
  }
  return null;
}

function findStructure(t: Table): Structure | null {
  let start = -1, dateIdx = -1;
  const searchLimit = Math.min(t.nRows, 5000);
  for (let r = 0; r < searchLimit && start < 0; r++) {
    if (isBlankRow(t, r)) continue;
    const dc = dateCellIndex(t, r);
    if (dc < 0) continue;
    let ok = true, checked = 0;
    for (let r2 = r + 1; r2 < t.nRows && checked < 2; r2++) {
      if (isBlankRow(t, r2)) continue;
      checked++;
      // The next rows need the date's shape in the same column (an impossible date such as
      // 2024-02-30 still belongs to the table and is reported there), or the same width.
      if (!hasDateShape(t, r2, dc) && rowLength(t, r2) !== rowLength(t, r)) { ok = false; break; }
    }
    if (ok) { start = r; dateIdx = dc; }
  }
  // A row of known column names (Date, Close, Adj Close, Ticker …) is the header even when the rows
  // under it are bad (text where a price should be): those rows belong to the table and are
  // reported one by one, not skipped as text above it.
  const aliasHeader = start >= 0 ? namedHeaderAbove(t, start, dateIdx) : findNamedHeader(t, searchLimit);
  if (aliasHeader) {
    start = -1;
    for (let r = aliasHeader.row + 1; r < t.nRows; r++) if (!isBlankRow(t, r)) { start = r; break; }
    dateIdx = aliasHeader.dateIdx;
  }
  if (start < 0) return null;

  // Header: the non-blank row just above the data, if it has columns. yfinance's two-level header
  // (Price,Close,… / Ticker,SPY,… / Date,,,) is recognised by its "Date" + blanks or "Ticker" row.
  let headerRow = -1;
  let twoLevel: Structure['twoLevel'] = null;
  let regionTop = start;
  const hr = prevNonBlank(t, start);
  if (hr >= 0 && rowLength(t, hr) >= 2) {
    const cells = rowCells(t, hr);
    const first = normaliseHeader(cells[0] ?? '');
    const restBlank = cells.slice(1).every((c) => c === '');
    headerRow = hr;
    regionTop = hr;
    if (first === 'date' && restBlank) {
      const t1 = prevNonBlank(t, hr), t0 = t1 >= 0 ? prevNonBlank(t, t1) : -1;
      if (t0 >= 0 && rowLength(t, t0) >= 2 && rowLength(t, t1) >= 2 && rowCells(t, t0).some((c) => valueRank(normaliseHeader(c)) > 0)) {
        twoLevel = { fieldsRow: t0, tickersRow: t1 };
        regionTop = t0;
      }
    } else if (first === 'ticker') {
      const t0 = prevNonBlank(t, hr);
      if (t0 >= 0 && rowLength(t, t0) >= 2 && rowCells(t, t0).some((c) => valueRank(normaliseHeader(c)) > 0)) {
        twoLevel = { fieldsRow: t0, tickersRow: hr };
        regionTop = t0;
      }
    }
  }
  const preambleRows: number[] = [];
  for (let r = 0; r < regionTop; r++) if (!isBlankRow(t, r)) preambleRows.push(r);

  // The data block runs until a row without a date that does not have the data's shape, or any
  // row without a date after a blank line (Ken French: the annual table follows the monthly one).
  const dataLen = rowLength(t, start);
  const rows = new Int32Array(t.nRows - start);
  let n = 0, sawBlank = false, r = start;
  for (; r < t.nRows; r++) {
    if (isBlankRow(t, r)) { sawBlank = true; continue; }
    const dated = hasDateShape(t, r, dateIdx);
    if (dated || (!sawBlank && rowLength(t, r) === dataLen)) { rows[n++] = r; sawBlank = false; continue; }
    break;
  }
  let after: Structure['after'] = null;
  if (r < t.nRows) {
    let count = 0;
    for (let q = r; q < t.nRows; q++) if (!isBlankRow(t, q)) count++;
    const text = rowCells(t, r).filter((c) => c !== '').join(' ').slice(0, 60);
    after = { count, line: t.rowLine[r]!, text };
  }
  return { start, dateIdx, headerRow, twoLevel, preambleRows, dataRows: rows.subarray(0, n), after };
}

// ------------------------------------------------------------------------------------------------
// Series building.

class Builder {
  days: Int32Array;
  values: Float64Array;
  lines: Int32Array;
  n = 0;
  constructor(readonly ticker: string, readonly column: string, readonly headerNorm: string, capacity: number) {
    const cap = Math.max(16, capacity);
    this.days = new Int32Array(cap);
    this.values = new Float64Array(cap);
    this.lines = new Int32Array(cap);
  }
  push(day: number, v: number, line: number): void {
    if (this.n === this.days.length) {
      const cap = this.n * 2;
      const d = new Int32Array(cap); d.set(this.days); this.days = d;
      const v2 = new Float64Array(cap); v2.set(this.values); this.values = v2;
      const l = new Int32Array(cap); l.set(this.lines); this.lines = l;
    }
    this.days[this.n] = day; this.values[this.n] = v; this.lines[this.n] = line;
    this.n++;
  }
}

interface ValueColumn { col: number; ticker: string; header: string; headerNorm: string }

/** What the missing mark means, for the message. */
function missingText(s: string): string {
  const l = s.toLowerCase();
  if (l === 'null') return '"null" (Yahoo writes null on days without a trade)';
  if (l === '.') return `"." (FRED writes '.' for a day without an observation)`;
  if (l === '') return 'an empty cell';
  if (l === '-99.99' || l === '-999') return `"${s}" (Ken French's mark for a missing value)`;
  return `"${s}"`;
}

function kindFor(ticker: string, headerNorm: string, source: string, options: ImportOptions): ColumnKind {
  // Option keys are normalised (upper case) by importFiles; names keep the file's case.
  const key = normaliseTicker(ticker);
  const o = options.columnKinds?.[key] ?? options.columnKinds?.[ticker];
  if (o && VALID_KINDS.has(o)) return o;
  if (source === 'ken-french') return 'percentReturn';
  if (ENVIRONMENT_TICKERS.has(key) || source === 'fred') return 'level';
  if (PERCENT_RETURN_ALIASES.has(headerNorm)) return 'percentReturn';
  if (RETURN_ALIASES.has(headerNorm)) return 'return';
  return 'price';
}

function parseInner(input: ImportInput, name: string, options: ImportOptions, report: FileReport, log: IssueLog): ParsedFile {
  const decoded = decodeInput(input);
  if (!decoded.ok) return reject(report, log, decoded.error, decoded.action);
  const text = decoded.text;
  if (text.trim().length === 0) return reject(report, log, 'the file is empty', 'file rejected: choose the file that holds the prices');
  if (decoded.encoding !== 'utf-8' && decoded.encoding !== 'text') log.add('info', `text encoding ${decoded.encoding}`, 'decoded');

  const delimiter = detectDelimiter(text);
  report.delimiter = delimiter;
  const t = tokenize(text, delimiter);
  const st = findStructure(t);
  if (!st) {
    const first = text.split(/\r\n|\n|\r/).find((l) => l.trim().length > 0)?.slice(0, 80) ?? '';
    return reject(report, log,
      `no data rows found: no line has a date (like 2024-01-31) followed by a number. The first line is "${first}"`,
      'file rejected: expected a header such as Date,Close and one row per day');
  }
  const headerCells = st.headerRow >= 0 && !st.twoLevel ? rowCells(t, st.headerRow) : [];
  const hnorm = headerCells.map(normaliseHeader);
  if (st.preambleRows.length > 0) {
    log.add('info', `${st.preambleRows.length} line(s) of text above the table skipped (rows ${t.rowLine[st.preambleRows[0]!]}–${t.rowLine[st.preambleRows[st.preambleRows.length - 1]!]})`, 'skipped');
  }

  // ---- Columns (rule 2).
  const dataLen = rowLength(t, st.start);
  let dateCol = st.dateIdx;
  const aliasDate = hnorm.findIndex((h) => DATE_ALIASES.has(h));
  if (aliasDate >= 0 && aliasDate !== dateCol && hasDateShape(t, st.start, aliasDate)) dateCol = aliasDate;
  const dateHeader = st.twoLevel ? 'Date' : (headerCells[dateCol] || 'date');

  let layout: FileReport['layout'] = 'single';
  let tickerCol = -1;
  let valueCols: ValueColumn[] = [];
  let source = 'generic';
  let usedField = '';
  const rawHeaderText = st.headerRow >= 0 ? rowCells(t, st.headerRow).join(',') : '';

  if (st.twoLevel) {
    layout = 'two-level';
    source = 'yfinance';
    const fields = rowCells(t, st.twoLevel.fieldsRow).map(normaliseHeader);
    const tickers = rowCells(t, st.twoLevel.tickersRow);
    // Keyed case-insensitively; the name is the first spelling the file uses.
    const best = new Map<string, { col: number; rank: number; header: string; norm: string; name: string }>();
    const order: string[] = [];
    for (let c = 0; c < fields.length; c++) {
      if (c === dateCol) continue;
      const rank = valueRank(fields[c]!);
      const name = cleanTicker(tickers[c] ?? '');
      const tk = name.toUpperCase();
      if (rank < 2 || tk === '') continue;
      const prev = best.get(tk);
      if (!prev) order.push(tk);
      if (!prev || rank > prev.rank) best.set(tk, { col: c, rank, header: `${cell(t, st.twoLevel.fieldsRow, c)} ${tickers[c]}`, norm: fields[c]!, name: prev?.name ?? name });
    }
    for (const tk of order) {
      const b = best.get(tk)!;
      valueCols.push({ col: b.col, ticker: b.name, header: b.header, headerNorm: b.norm });
    }
    usedField = valueCols.length > 0 && valueCols.every((v) => ADJ_CLOSE_ALIASES.has(v.headerNorm)) ? 'adj' : 'close';
    if (valueCols.length === 0) return reject(report, log, 'two-level (yfinance) header without a Close or Adj Close column', 'file rejected');
  } else {
    tickerCol = hnorm.findIndex((h, c) => c !== dateCol && TICKER_ALIASES_HEADER.has(h));
    let bestCol = -1, bestRank = 0;
    const tickerColumns: number[] = [];
    for (let c = 0; c < hnorm.length; c++) {
      if (c === dateCol || c === tickerCol) continue;
      const h = hnorm[c]!;
      const rank = valueRank(h);
      if (rank > bestRank) { bestRank = rank; bestCol = c; }
      if (rank === 0 && h !== '' && !IGNORED_ALIASES.has(h) && !DATE_ALIASES.has(h)) tickerColumns.push(c);
    }
    if (tickerCol >= 0) {
      if (bestCol < 0) return reject(report, log, `there is a ticker column ("${headerCells[tickerCol]}") but no Adj Close, Close or Price column`, 'file rejected: add a price column');
      layout = 'long';
      valueCols = [{ col: bestCol, ticker: '', header: headerCells[bestCol]!, headerNorm: hnorm[bestCol]! }];
    } else if (bestCol >= 0) {
      layout = 'single';
      valueCols = [{ col: bestCol, ticker: tickerFromFileName(name), header: headerCells[bestCol]!, headerNorm: hnorm[bestCol]! }];
      if (tickerColumns.length > 0) {
        log.add('info', `column(s) ${tickerColumns.map((c) => `"${headerCells[c]}"`).join(', ')} not read: the price is taken from "${headerCells[bestCol]}"`, 'ignored');
      }
    } else if (tickerColumns.length > 0) {
      layout = tickerColumns.length === 1 ? 'single' : 'wide';
      const seen = new Set<string>();
      for (const c of tickerColumns) {
        const name = cleanTicker(headerCells[c]!);
        const tk = name.toUpperCase();
        if (seen.has(tk)) { log.add('warning', `ticker ${name} appears in two columns; the second ("${headerCells[c]}") is ignored`, 'column ignored', undefined, headerCells[c]); continue; }
        seen.add(tk);
        valueCols.push({ col: c, ticker: name, header: headerCells[c]!, headerNorm: hnorm[c]! });
      }
    } else if (st.headerRow < 0 || hnorm.every((h, c) => c === dateCol || h === '')) {
      // No usable header: fine when there is exactly one value column.
      const others: number[] = [];
      for (let c = 0; c < dataLen; c++) if (c !== dateCol) others.push(c);
      if (others.length !== 1) {
        return reject(report, log, `no header row and ${others.length} number columns: cannot tell which one is the price`,
          'file rejected: add a header such as Date,Open,High,Low,Close,Volume');
      }
      valueCols = [{ col: others[0]!, ticker: tickerFromFileName(name), header: 'value', headerNorm: '' }];
      log.add('info', `no header row: column ${others[0]! + 1} read as the price of ${valueCols[0]!.ticker} (ticker from the file name)`, 'assumed');
    } else {
      return reject(report, log, `no price column: the header "${headerCells.join(',')}" has no Adj Close, Close or Price column and no ticker columns`,
        'file rejected: rename the price column to Close (or Adj Close), or use one column per ticker');
    }
    if (bestCol >= 0 && (layout === 'single' || layout === 'long')) {
      const n = valueCols[0]!.headerNorm;
      usedField = ADJ_CLOSE_ALIASES.has(n) ? 'adj' : CLOSE_ALIASES.has(n) ? 'close' : 'price';
    }
    // Source (informational, and it decides defaults such as Ken French's percent returns).
    const hs = new Set(hnorm);
    const preamble = st.preambleRows.map((r) => rowCells(t, r).join(' ')).join(' ');
    const firstDateShape = (() => { const k = t.rowStart[st.start]! + dateCol; return scanDate(t.text, t.fieldStart[k]!, t.fieldEnd[k]!, scratch); })();
    const kfHeader = hs.has('mktrf') || (hs.has('rf') && (hs.has('smb') || hs.has('hml') || hs.has('mom')));
    if (rawHeaderText.includes('<') && rawHeaderText.includes('>')) source = 'stooq-bulk';
    else if (kfHeader || (/french|fama|crsp/i.test(preamble) && (firstDateShape === SHAPE_D6 || firstDateShape === SHAPE_D8))) source = 'ken-french';
    else if (hs.has('price') && (hs.has('change%') || hs.has('vol'))) source = 'investing';
    else if (layout !== 'long' && usedField === '' && (headerCells[dateCol] === 'DATE' || hnorm[dateCol] === 'observationdate' || valueCols.some((v) => looksLikeFredId(v.ticker.toUpperCase()) || looksLikeFredId(v.header.toUpperCase())))) source = 'fred';
    else if (hs.has('open') && hs.has('high') && hs.has('low') && [...hs].some((h) => ADJ_CLOSE_ALIASES.has(h))) source = 'yahoo';
    else if (hs.has('open') && hs.has('high') && hs.has('low') && hs.has('close')) source = 'stooq';
  }

  // ---- Dates (rule 3).
  const nData = st.dataRows.length;
  report.rows = nData;
  const ds = new Int32Array(nData), de = new Int32Array(nData);
  for (let i = 0; i < nData; i++) {
    const r = st.dataRows[i]!;
    if (dateCol < rowLength(t, r)) { const k = t.rowStart[r]! + dateCol; ds[i] = t.fieldStart[k]!; de[i] = t.fieldEnd[k]!; }
    else { ds[i] = 0; de[i] = 0; }
  }
  const choice = options.dateOrder?.[name];
  const det = detectDateColumn(text, ds, de, nData, choice === 'mdy' || choice === 'dmy' ? choice : undefined);
  if (!det.format) return reject(report, log, `no dates found in column "${dateHeader}"`, 'file rejected');
  const fmt: DateFormat = det.format;
  report.dateFormat = !det.ambiguous ? fmt.label
    : fmt.label.startsWith('MM') ? `${fmt.label} or ${fmt.label.replace(/^MM(.)DD/, 'DD$1MM')}`
    : `${fmt.label.replace(/^DD(.)MM/, 'MM$1DD')} or ${fmt.label}`;
  if (source === 'generic' && (delimiter === ';' || fmt.label === 'excel-serial' || fmt.label.startsWith('DD.'))) source = 'spreadsheet';
  report.source = source;
  report.layout = layout;

  if (det.rejectedChoice) {
    log.add('warning', `you chose ${det.rejectedChoice === 'mdy' ? 'month-first' : 'day-first'} dates, but "${det.examples.join('", "')}" and others only read ${fmt.order === 'mdy' ? 'month-first' : 'day-first'}`,
      `dates read as ${fmt.label}`);
  }
  if (fmt.shape === SHAPE_D6) log.add('info', 'monthly dates (YYYYMM): each is placed on the last calendar day of its month', 'converted');
  if (fmt.label === 'excel-serial') log.add('info', 'dates are Excel serial day numbers (day 1 = 1900-01-01)', 'converted');

  // ---- Tickers and kinds (rule 5).
  if (layout !== 'long') {
    report.tickers = valueCols.map((v) => v.ticker);
    for (const v of valueCols) report.kinds[v.ticker] = kindFor(v.ticker, v.headerNorm, source, options);
  }

  if (det.ambiguous) {
    const ex = det.examples;
    log.add('warning',
      `the dates read both month-first and day-first (e.g. "${ex.join('", "')}"); ${det.likely === 'dmy' ? 'day-first' : 'month-first'} gives the more regular daily spacing`,
      'file waiting: choose the day/month order (mdy or dmy) to use it');
    report.accepted = false;
    report.issues = log.finish();
    return { report, series: [], ambiguity: { file: name, examples: ex, likely: det.likely ?? 'mdy' } };
  }

  // ---- Numbers (rule 4): per column, decimal comma or point, from a sample of its cells.
  const decimalComma = valueCols.map((v) => {
    const cells: string[] = [];
    const step = Math.max(1, Math.floor(nData / 5000));
    for (let i = 0; i < nData && cells.length < 5000; i += step) {
      const s = cell(t, st.dataRows[i]!, v.col);
      if (s !== '' && !isMissingToken(s)) cells.push(s);
    }
    return detectDecimalComma(cells, delimiter);
  });
  if (decimalComma.some(Boolean)) log.add('info', 'numbers use a decimal comma (12,34)', 'read as decimals');

  // ---- Rows.
  const builders: Builder[] = [];
  const byTicker = new Map<string, Builder>();
  if (layout !== 'long') for (const v of valueCols) builders.push(new Builder(v.ticker, v.header, v.headerNorm, nData));
  const headerDateText = headerCells[dateCol] ?? '';
  let lastRawTicker = '\u0000', lastBuilder: Builder | null = null;
  const single = layout === 'single' || layout === 'long';
  const nCols = valueCols.length;
  const rowVals = new Float64Array(nCols);
  const rowMissing: string[] = new Array<string>(nCols).fill('');
  for (let i = 0; i < nData; i++) {
    const r = st.dataRows[i]!;
    const line = t.rowLine[r]!;
    const day = de[i]! > ds[i]! ? parseDateCell(text, ds[i]!, de[i]!, fmt) : NaN;
    if (!Number.isFinite(day)) {
      const dtext = cell(t, r, dateCol);
      if (dtext === '') log.addRepeated('nodate', 'rows without a date', 'warning', `row ${line}: no date`, 'row skipped', line, dateHeader);
      else if (headerDateText !== '' && dtext === headerDateText) log.addRepeated('rehdr', 'repeated header rows', 'info', `row ${line}: the header row appears again (files joined together?)`, 'row skipped', line);
      else log.addRepeated('baddate', 'invalid dates', 'error', `row ${line}: "${dtext}" is not a valid ${fmt.label} date`, 'row skipped', line, dateHeader);
      continue;
    }
    let any = false, firstMissing = '';
    const base = t.rowStart[r]!, len = t.rowStart[r + 1]! - base;
    for (let k = 0; k < nCols; k++) {
      const col = valueCols[k]!.col;
      rowMissing[k] = '';
      // Plain decimals straight from the text (nearly every cell); anything else as a string.
      if (col < len) {
        const fast = parsePlainAt(text, t.fieldStart[base + col]!, t.fieldEnd[base + col]!, decimalComma[k]!);
        if (!Number.isNaN(fast) && !isMissingSentinel(fast)) { rowVals[k] = fast; any = true; continue; }
      }
      const s = cell(t, r, col);
      const v = parseNumber(s, decimalComma[k]!);
      if (Number.isNaN(v) && isMissingToken(s)) { rowVals[k] = NaN; rowMissing[k] = s; if (firstMissing === '') firstMissing = s || '(empty)'; continue; }
      if (Number.isNaN(v)) {
        rowVals[k] = NaN; rowMissing[k] = s;
        log.addRepeated(`bad:${k}`, `values that are not numbers in "${valueCols[k]!.header}"`, 'error',
          `row ${line}, column ${valueCols[k]!.header}: "${s}" is not a number`, single ? 'row skipped' : 'treated as missing', line, valueCols[k]!.header);
        continue;
      }
      if (isMissingSentinel(v)) { rowVals[k] = NaN; rowMissing[k] = s; if (firstMissing === '') firstMissing = s; continue; }
      rowVals[k] = v;
      any = true;
    }
    if (!any) {
      if (firstMissing !== '') {
        const raw = firstMissing === '(empty)' ? '' : firstMissing;
        log.addRepeated('null', `rows without a value (${raw === '' ? 'empty' : `"${raw}"`})`, 'warning', `row ${line}: no value, ${missingText(raw)}`,
          'row skipped', line, single ? valueCols[0]!.header : undefined);
      }
      continue;
    }
    if (layout === 'long') {
      // Rows usually come grouped by ticker: compare the raw text in place before making a string.
      const tkS = tickerCol < len ? t.fieldStart[base + tickerCol]! : 0, tkE = tickerCol < len ? t.fieldEnd[base + tickerCol]! : 0;
      if (!(tkE - tkS === lastRawTicker.length && text.startsWith(lastRawTicker, tkS))) {
        lastRawTicker = text.slice(tkS, tkE);
        const name = cleanTicker(cell(t, r, tickerCol));
        const tk = name.toUpperCase();
        if (tk === '') { lastBuilder = null; }
        else {
          let b = byTicker.get(tk);
          if (!b) { b = new Builder(name, valueCols[0]!.header, valueCols[0]!.headerNorm, 64); byTicker.set(tk, b); builders.push(b); }
          lastBuilder = b;
        }
      }
      if (!lastBuilder) { log.addRepeated('notk', 'rows without a ticker', 'warning', `row ${line}: no ticker`, 'row skipped', line, headerCells[tickerCol]); continue; }
      lastBuilder.push(day, rowVals[0]!, line);
      continue;
    }
    for (let k = 0; k < nCols; k++) {
      const v = rowVals[k]!;
      if (Number.isNaN(v) && rowMissing[k] !== undefined && (isMissingToken(rowMissing[k]!) || isMissingSentinel(parseNumber(rowMissing[k]!, false)))) {
        log.addRepeated(`miss:${k}`, `missing values of ${valueCols[k]!.ticker}`, 'warning',
          `row ${line}: no value for ${valueCols[k]!.ticker}, ${missingText(rowMissing[k]!)}`,
          'left missing; the panel forward-fills short gaps', line, valueCols[k]!.header);
      }
      builders[k]!.push(day, v, line);
    }
  }
  if (layout === 'long') {
    report.tickers = builders.map((b) => b.ticker);
    for (const b of builders) report.kinds[b.ticker] = kindFor(b.ticker, b.headerNorm, source, options);
    if (builders.length === 1) report.layout = 'single';
  }
  if (st.after) {
    const what = /annual/i.test(st.after.text) ? 'the annual table (and anything after it) is not read; only the first table is'
      : 'they follow the table and are not part of it';
    log.add('info', `${st.after.count} line(s) from row ${st.after.line} on ("${st.after.text}") not imported: ${what}`, 'ignored', st.after.line);
  }

  // ---- Adjusted or not (data-formats.md: prefer Adj Close; yfinance's Close is already adjusted).
  report.adjusted = usedField === 'adj' || source === 'yfinance' || source === 'ken-french';
  if (source === 'yfinance' && usedField !== 'adj') log.add('info', "no 'Adj Close' column: yfinance's Close is already adjusted for splits and dividends", 'Close used as adjusted');
  else if (usedField === 'close') log.add('info', `no adjusted close column: "${valueCols[0]!.header}" used; if it is not adjusted for dividends, returns will miss them`, 'Close used');
  else if (usedField === 'price' && source === 'investing') log.add('info', 'Investing.com prices are not adjusted for dividends', 'Price used');

  // ---- Per series: order, duplicates, checks, kinds (rule 6).
  const series: ParsedSeries[] = [];
  const notes: SeriesNotes = { reversed: false, sorted: false, spacing: new Map(), converted: new Map() };
  for (const b of builders) {
    const kind = report.kinds[b.ticker] ?? 'price';
    const s = finishSeries(b, kind, name, source, log, notes);
    if (s) series.push(s);
  }
  if (notes.reversed) log.add('info', 'rows were newest first', 'sorted oldest first');
  if (notes.sorted) log.add('info', 'rows were not in date order', 'sorted by date');
  for (const [usual, tks] of notes.spacing) log.add('info', `${tks.join(', ')}: observations are about ${usual} days apart (not daily)`, 'kept as they are');
  for (const [key, tks] of notes.converted) {
    const [kindName, start] = key.split('|');
    log.add('info', `${tks.join(', ')}: ${kindName} returns turned into ${tks.length > 1 ? 'price indices' : 'a price index'} starting at 100 on ${start} (that first return only sets the start)`, 'converted');
  }
  report.tickers = series.map((s) => s.ticker);
  const kinds: Record<string, ColumnKind> = {};
  for (const s of series) kinds[s.ticker] = s.columnKind;
  report.kinds = kinds;
  let first = Infinity, last = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.days.length; i++) if (!Number.isNaN(s.values[i]!)) { first = Math.min(first, s.days[i]!); break; }
    for (let i = s.days.length - 1; i >= 0; i--) if (!Number.isNaN(s.values[i]!)) { last = Math.max(last, s.days[i]!); break; }
  }
  if (Number.isFinite(first)) { report.firstDate = isoFromDay(first); report.lastDate = isoFromDay(last); }
  if (series.length === 0) {
    log.add('error', 'nothing usable in this file: no series has a dated value', 'file rejected');
    report.accepted = false;
  } else report.accepted = true;
  report.issues = log.finish();
  return { report, series, ambiguity: null };
}

/** Median of the positive gaps between consecutive days (1 for daily data, ~30 for monthly). */
function medianGap(days: Int32Array, n: number): number {
  if (n < 2) return 1;
  const gaps = new Int32Array(n - 1);
  for (let i = 1; i < n; i++) gaps[i - 1] = days[i]! - days[i - 1]!;
  gaps.sort();
  return gaps[(gaps.length - 1) >> 1]!;
}

interface SeriesNotes {
  reversed: boolean;
  sorted: boolean;
  /** usual spacing in days → tickers (non-daily data) */
  spacing: Map<number, string[]>;
  /** "percent|2023-07-31" → tickers turned from returns into an index */
  converted: Map<string, string[]>;
}

function pushNote(m: Map<string | number, string[]>, key: string | number, ticker: string): void {
  const l = m.get(key);
  if (l) l.push(ticker); else m.set(key, [ticker]);
}

function finishSeries(b: Builder, kind: ColumnKind, file: string, source: string, log: IssueLog, notes: SeriesNotes): ParsedSeries | null {
  const tk = b.ticker;
  let n = b.n;
  if (n === 0) { log.add('warning', `${tk}: no dated values`, 'ticker not imported', undefined, b.column); return null; }
  let days = b.days.subarray(0, n), values = b.values.subarray(0, n), lines = b.lines.subarray(0, n);

  // Order: ascending as is; newest-first (Investing.com) reversed; anything else sorted by (date, line).
  let asc = true, desc = true;
  for (let i = 1; i < n && (asc || desc); i++) {
    if (days[i]! < days[i - 1]!) asc = false;
    if (days[i]! > days[i - 1]!) desc = false;
  }
  if (!asc) {
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    if (desc) {
      idx.reverse();
      // Keep file order within equal dates, so "the first row wins" stays true for duplicates.
      for (let i = 0; i < n;) { let j = i; while (j + 1 < n && days[idx[j + 1]!] === days[idx[i]!]) j++; idx.subarray(i, j + 1).reverse(); i = j + 1; }
      notes.reversed = true;
    } else {
      const arr = Array.from(idx);
      arr.sort((a, c) => days[a]! - days[c]! || lines[a]! - lines[c]!);
      idx.set(arr);
      notes.sorted = true;
    }
    const d2 = new Int32Array(n), v2 = new Float64Array(n), l2 = new Int32Array(n);
    for (let i = 0; i < n; i++) { const j = idx[i]!; d2[i] = days[j]!; v2[i] = values[j]!; l2[i] = lines[j]!; }
    days = d2; values = v2; lines = l2;
  }

  // Duplicates: the first row of a date wins (a later row with a value fills a first row without one).
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (m > 0 && days[i] === days[m - 1]) {
      const kept = values[m - 1]!, v = values[i]!;
      const iso = isoFromDay(days[i]!);
      if (Number.isNaN(kept) && !Number.isNaN(v)) { values[m - 1] = v; lines[m - 1] = lines[i]!; continue; }
      if (kept === v || Number.isNaN(v)) {
        log.addRepeated(`dup:${tk}`, `duplicate dates of ${tk}`, 'warning', `row ${lines[i]}: ${tk} ${iso} appears again (also row ${lines[m - 1]}) with the same value`, 'duplicate dropped', lines[i]!, b.column);
      } else {
        log.addRepeated(`dupdiff:${tk}`, `duplicate dates of ${tk} with different values`, 'warning',
          `row ${lines[i]}: ${tk} ${iso} appears again (also row ${lines[m - 1]}) with a different value: ${v} vs ${kept}`,
          `kept row ${lines[m - 1]}'s value`, lines[i]!, b.column);
      }
      continue;
    }
    days[m] = days[i]!; values[m] = values[i]!; lines[m] = lines[i]!; m++;
  }
  n = m;
  days = days.slice(0, n); values = values.slice(0, n); lines = lines.slice(0, n);

  // Kind checks and conversion (rule 5): prices > 0; returns > -100 %, chained into an index.
  if (kind === 'price') {
    let bad = 0, finite = 0;
    for (let i = 0; i < n; i++) { const v = values[i]!; if (!Number.isNaN(v)) { finite++; if (v <= 0) bad++; } }
    if (bad >= 5 && bad >= 0.05 * finite) {
      log.add('error', `${tk}: ${bad} of ${finite} values are zero or negative, so this column does not look like prices. If it holds returns, set its kind to return or percentReturn (CLI: --kind ${tk}=return)`,
        'ticker not imported', undefined, b.column);
      return null;
    }
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (v <= 0) {
        log.addRepeated(`nonpos:${tk}`, `non-positive prices of ${tk}`, 'error', `row ${lines[i]}: ${tk} price ${v} on ${isoFromDay(days[i]!)} is not positive`,
          'treated as missing', lines[i]!, b.column);
        values[i] = NaN;
      }
    }
  } else if (kind === 'return' || kind === 'percentReturn') {
    const scale = kind === 'percentReturn' ? 0.01 : 1;
    if (kind === 'return') {
      const abs: number[] = [];
      for (let i = 0; i < n; i++) if (!Number.isNaN(values[i]!)) abs.push(Math.abs(values[i]!));
      abs.sort((a, c) => a - c);
      const med = abs.length ? abs[abs.length >> 1]! : 0;
      if (med > 0.2) log.add('warning', `${tk}: the typical return is ${med.toFixed(2)}, which looks like percent, not decimal`, 'read as decimal returns: set the kind to percentReturn if they are percent', undefined, b.column);
    }
    let level = NaN, startDay = NaN;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (Number.isNaN(v)) continue;
      const r = v * scale;
      if (r <= -1) {
        log.addRepeated(`ret:${tk}`, `returns of -100 % or less of ${tk}`, 'error', `row ${lines[i]}: ${tk} return ${v}${kind === 'percentReturn' ? ' %' : ''} is -100 % or less`, 'treated as missing', lines[i]!, b.column);
        values[i] = NaN;
        continue;
      }
      if (Number.isNaN(level)) { level = 100; startDay = days[i]!; }
      else level *= 1 + r;
      values[i] = level;
    }
    if (!Number.isNaN(startDay)) pushNote(notes.converted as Map<string | number, string[]>, `${kind === 'percentReturn' ? 'percent' : 'decimal'}|${isoFromDay(startDay)}`, tk);
  }

  let finite = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(values[i]!)) finite++;
  if (finite === 0) { log.add('warning', `${tk}: no usable values`, 'ticker not imported', undefined, b.column); return null; }

  // Gaps over 7 calendar days (or twice the usual spacing for weekly/monthly data).
  const fdays = new Int32Array(finite), fvals = new Float64Array(finite), flines = new Int32Array(finite);
  for (let i = 0, j = 0; i < n; i++) if (!Number.isNaN(values[i]!)) { fdays[j] = days[i]!; fvals[j] = values[i]!; flines[j] = lines[i]!; j++; }
  const usual = medianGap(fdays, finite);
  const maxGap = Math.max(7, 2 * usual);
  if (usual > 7) pushNote(notes.spacing as Map<string | number, string[]>, usual, tk);
  for (let i = 1; i < finite; i++) {
    const g = fdays[i]! - fdays[i - 1]!;
    if (g > maxGap) {
      log.addRepeated(`gap:${tk}`, `gaps in ${tk}`, 'warning',
        `${tk}: no data for ${g} calendar days between ${isoFromDay(fdays[i - 1]!)} (row ${flines[i - 1]}) and ${isoFromDay(fdays[i]!)} (row ${flines[i]})`,
        'kept; nothing invented for the gap', flines[i]!, b.column);
    }
  }
  const isPrice = kind !== 'level';
  if (isPrice) {
    // Daily moves over 50 %: most often a split the file did not adjust for.
    for (let i = 1; i < finite; i++) {
      const move = fvals[i]! / fvals[i - 1]! - 1;
      if (Math.abs(move) > 0.5) {
        log.addRepeated(`move:${tk}`, `moves over 50 % of ${tk}`, 'warning',
          `${tk} ${move > 0 ? 'rises' : 'falls'} ${(move * 100).toFixed(1)} % from ${isoFromDay(fdays[i - 1]!)} to ${isoFromDay(fdays[i]!)} (row ${flines[i]})${kind === 'price' ? ': an unadjusted split?' : ''}`,
          'kept: check the file', flines[i]!, b.column);
      }
    }
  }
  if (kind === 'price') {
    // Stale runs: 5 or more identical consecutive prices (thin trading or a frozen feed).
    let runStart = 0;
    for (let i = 1; i <= finite; i++) {
      if (i < finite && fvals[i] === fvals[runStart]) continue;
      const len = i - runStart;
      if (len >= STALE_RUN) {
        log.addRepeated(`stale:${tk}`, `stale runs of ${tk}`, 'warning',
          `${tk}: ${len} identical prices ${fvals[runStart]} from ${isoFromDay(fdays[runStart]!)} to ${isoFromDay(fdays[i - 1]!)} (rows ${flines[runStart]}–${flines[i - 1]})`,
          'kept (thin trading or a stale feed?)', flines[runStart]!, b.column);
      }
      runStart = i;
    }
  }
  return {
    ticker: tk, file, source, columnKind: kind, kind: kind === 'level' ? 'level' : 'price', days, values, lines,
  };
}

/** Identical consecutive prices from which a run is reported as stale (data-formats.md rule 6). */
export const STALE_RUN = 5;
