// Issue collection with flood control: a FRED file has hundreds of '.' rows and a thinly traded ETF
// dozens of stale runs. The first few of each kind are listed with their rows; the rest are counted
// in one closing line, so a report stays readable and still says everything that was done.
import type { ImportIssue, Severity } from './types.ts';

interface Bucket {
  n: number;
  severity: Severity;
  what: string;
  action: string;
  column?: string;
  firstRow?: number;
  lastRow?: number;
}

export class IssueLog {
  readonly list: ImportIssue[] = [];
  private readonly buckets = new Map<string, Bucket>();

  constructor(readonly file: string, readonly perKind = 5) {}

  /** A one-off issue, always listed. */
  add(severity: Severity, message: string, action: string, row?: number, column?: string): void {
    this.list.push(issue(this.file, severity, message, action, row, column));
  }

  /**
   * A repeatable issue of kind `key`. `what` names the kind for the closing count
   * ("missing values ('null')"); `message` describes this occurrence.
   */
  addRepeated(key: string, what: string, severity: Severity, message: string, action: string, row?: number, column?: string): void {
    let b = this.buckets.get(key);
    if (!b) {
      b = { n: 0, severity, what, action, ...(column !== undefined ? { column } : {}) };
      this.buckets.set(key, b);
    }
    b.n++;
    if (b.n <= this.perKind) this.list.push(issue(this.file, severity, message, action, row, column));
    else {
      if (b.firstRow === undefined && row !== undefined) b.firstRow = row;
      if (row !== undefined) b.lastRow = row;
    }
  }

  count(key: string): number {
    return this.buckets.get(key)?.n ?? 0;
  }

  /** Close the repeated kinds: one line per kind that had more than perKind occurrences. */
  finish(): ImportIssue[] {
    for (const b of this.buckets.values()) {
      if (b.n <= this.perKind) continue;
      const more = b.n - this.perKind;
      const rows = b.firstRow !== undefined ? ` (rows ${b.firstRow}${b.lastRow !== b.firstRow ? `–${b.lastRow}` : ''})` : '';
      this.list.push(issue(this.file, b.severity, `${more} more ${b.what}${rows}; ${b.n} in all`, b.action, b.firstRow, b.column));
    }
    this.buckets.clear();
    return this.list;
  }
}

export function issue(file: string, severity: Severity, message: string, action: string, row?: number, column?: string): ImportIssue {
  const out: ImportIssue = { severity, file, message, action };
  if (row !== undefined) out.row = row;
  if (column !== undefined) out.column = column;
  return out;
}
