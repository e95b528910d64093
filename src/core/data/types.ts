// The import API's types. src/core/data implements them; the Data screen, the worker and
// the CLI consume them. Plain data only: everything here crosses a worker boundary.
import type { AssetRole, Panel } from './panel.ts';

/** One file the user brought. `bytes` when read as binary (BOM / encoding detection), else `text`. */
export interface ImportInput {
  name: string;
  text?: string;
  bytes?: Uint8Array;
}

/** What a numeric column holds (data-formats.md rule 5). */
export type ColumnKind = 'price' | 'return' | 'percentReturn' | 'level';
export type DateOrder = 'mdy' | 'dmy';

export interface ImportOptions {
  /** The user's answer for files whose dates read cleanly both month-first and day-first. Key: file name. */
  dateOrder?: Record<string, DateOrder>;
  /** Override what a column holds. Key: ticker, any case. */
  columnKinds?: Record<string, ColumnKind>;
  /** Override roles. Key: ticker, any case. */
  roles?: Record<string, AssetRole>;
  /** Forward-fill at most this many consecutive missing trading days (method.md §1). Default 3. */
  maxForwardFill?: number;
}

export type Severity = 'error' | 'warning' | 'info';

/** One problem found, always with what was done about it. */
export interface ImportIssue {
  severity: Severity;
  file: string;
  /** 1-based line number in the file, when the problem is on a row. */
  row?: number;
  column?: string;
  message: string;
  /** What the importer did: "row skipped", "forward-filled 1 day", "file rejected", … */
  action: string;
}

export interface FileReport {
  file: string;
  /** 'yahoo' | 'yfinance' | 'stooq' | 'stooq-bulk' | 'investing' | 'fred' | 'ken-french' | 'spreadsheet' | 'generic' */
  source: string;
  layout: 'single' | 'wide' | 'long' | 'two-level';
  delimiter: ',' | ';' | '\t';
  /** e.g. 'YYYY-MM-DD', 'MM/DD/YYYY', 'DD/MM/YYYY', 'YYYYMMDD', 'DD.MM.YYYY', 'excel-serial', 'YYYYMM' */
  dateFormat: string;
  tickers: string[];
  /** Data rows read (after the header). */
  rows: number;
  firstDate?: string;
  lastDate?: string;
  /** true when an adjusted close column was used (or the source is adjusted by construction). */
  adjusted: boolean;
  /** Per ticker, what its values are. */
  kinds: Record<string, ColumnKind>;
  accepted: boolean;
  issues: ImportIssue[];
}

/** A file whose dates read cleanly both ways: the user must choose (data-formats.md rule 3). */
export interface DateAmbiguity {
  file: string;
  examples: string[];
  /** The order under which consecutive dates are most regularly spaced: a hint for the question, never applied silently. */
  likely?: DateOrder;
}

/** Summary of the aligned panel. */
export interface PanelReport {
  /** Per series: its own first/last observation and count (before alignment), detected source and file. */
  assets: { ticker: string; role: AssetRole; kind: 'price' | 'level'; firstDate: string; lastDate: string; rows: number; source: string; file?: string }[];
  firstDate: string;
  lastDate: string;
  rows: number;
  /** The asset whose history starts last / ends first: "range starts 2013-07-18 because QUAL starts then". */
  startSetBy: string;
  endSetBy: string;
  message: string;
  issues: ImportIssue[];
}

export interface ImportResult {
  reports: FileReport[];
  /** null when nothing usable was found (then reports say why). */
  panel: Panel | null;
  panelReport: PanelReport | null;
  /** Non-empty when the user must choose a date order before these files can be used. */
  ambiguities: DateAmbiguity[];
}
