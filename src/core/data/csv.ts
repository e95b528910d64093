// A small, fast CSV tokenizer (data-formats.md rule 1: text only, no automatic typing). It records
// each field as [start, end) offsets into the text instead of allocating a string per cell, so a
// 50 MB file costs a few flat Int32Arrays and the importer materialises only the cells it reads.

export type Delimiter = ',' | ';' | '\t';

export interface Table {
  text: string;
  delimiter: Delimiter;
  nRows: number;
  /** Fields of row r are rowStart[r] … rowStart[r+1]-1. */
  rowStart: Int32Array;
  /** 1-based line number where row r starts. */
  rowLine: Int32Array;
  fieldStart: Int32Array;
  fieldEnd: Int32Array;
  /** 0 plain, 1 quoted, 2 quoted with doubled quotes inside. */
  fieldFlag: Uint8Array;
}

function grow<T extends Int32Array | Uint8Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  let n = a.length * 2;
  while (n < need) n *= 2;
  const b = new (a.constructor as { new (n: number): T })(n);
  b.set(a);
  return b;
}

/** Tokenize text[0, limit) with one delimiter. Quotes matter only at the start of a field (RFC 4180). */
export function tokenize(text: string, delimiter: Delimiter, limit = text.length): Table {
  const d = delimiter.charCodeAt(0);
  const est = Math.max(64, Math.min(limit >> 3, 1 << 24));
  let fs = new Int32Array(est), fe = new Int32Array(est), ff = new Uint8Array(est);
  let rs = new Int32Array(Math.max(16, est >> 2)), rl = new Int32Array(rs.length);
  let nf = 0, nr = 0, line = 1, i = 0;
  const n = limit;
  while (i < n) {
    // Start of a row.
    if (nr + 2 > rs.length) { rs = grow(rs, nr + 2); rl = grow(rl, nr + 2); }
    rs[nr] = nf; rl[nr] = line;
    let endOfRow = false;
    while (!endOfRow) {
      if (nf + 1 > fs.length) { fs = grow(fs, nf + 1); fe = grow(fe, nf + 1); ff = grow(ff, nf + 1); }
      let c = i < n ? text.charCodeAt(i) : -1;
      if (c === 34 /* " */) {
        let j = i + 1, flag = 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0 || q >= n) { j = n; break; }
          // Count line ends inside the quoted field so later rows keep their true line numbers.
          for (let k = j; k < q; k++) if (text.charCodeAt(k) === 10) line++;
          if (q + 1 < n && text.charCodeAt(q + 1) === 34) { flag = 2; j = q + 2; continue; }
          j = q;
          break;
        }
        fs[nf] = i + 1; fe[nf] = Math.min(j, n); ff[nf] = flag;
        i = j + 1;
        // Anything between the closing quote and the delimiter is ignored (malformed input).
        while (i < n) { c = text.charCodeAt(i); if (c === d || c === 10 || c === 13) break; i++; }
      } else {
        const s = i;
        while (i < n) { c = text.charCodeAt(i); if (c === d || c === 10 || c === 13) break; i++; }
        fs[nf] = s; fe[nf] = i; ff[nf] = 0;
      }
      nf++;
      if (i >= n) { endOfRow = true; break; }
      c = text.charCodeAt(i);
      if (c === d) { i++; if (i >= n) { // trailing delimiter at end of text: one more empty field
        if (nf + 1 > fs.length) { fs = grow(fs, nf + 1); fe = grow(fe, nf + 1); ff = grow(ff, nf + 1); }
        fs[nf] = n; fe[nf] = n; ff[nf] = 0; nf++; endOfRow = true;
      } continue; }
      // Line end: \n, \r\n or a lone \r.
      i++;
      if (c === 13 && i < n && text.charCodeAt(i) === 10) i++;
      line++;
      endOfRow = true;
    }
    nr++;
  }
  rs[nr] = nf;
  return { text, delimiter, nRows: nr, rowStart: rs, rowLine: rl, fieldStart: fs, fieldEnd: fe, fieldFlag: ff };
}

export function rowLength(t: Table, r: number): number {
  return t.rowStart[r + 1]! - t.rowStart[r]!;
}

/** Field k as a trimmed string, quotes removed and doubled quotes undone. */
export function fieldText(t: Table, k: number): string {
  const v = t.text.slice(t.fieldStart[k]!, t.fieldEnd[k]!);
  return (t.fieldFlag[k] === 2 ? v.replace(/""/g, '"') : v).trim();
}

/** Cell (r, c) as a string; '' when the row is shorter. */
export function cell(t: Table, r: number, c: number): string {
  const len = rowLength(t, r);
  return c < len ? fieldText(t, t.rowStart[r]! + c) : '';
}

/** A row with no non-blank field (an empty line, or ",,,," from a spreadsheet). */
export function isBlankRow(t: Table, r: number): boolean {
  const text = t.text;
  for (let k = t.rowStart[r]!, e = t.rowStart[r + 1]!; k < e; k++) {
    for (let i = t.fieldStart[k]!, j = t.fieldEnd[k]!; i < j; i++) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 160) return false;
    }
  }
  return true;
}

/**
 * Pick the delimiter among ',' ';' and tab by consistent column counts over the first lines
 * (rule 1). Counting commas alone picks ',' for "02.01.2020;12,34"; counting rows that share the
 * most common field count (≥ 2) does not, because the header "Datum;Schluss" has no comma. On a tie
 * ';' and tab win: they never occur inside numbers, commas do.
 */
export function detectDelimiter(text: string): Delimiter {
  let limit = Math.min(text.length, 16384);
  if (limit < text.length) {
    const nl = text.lastIndexOf('\n', limit);
    if (nl > 0) limit = nl;
  }
  let best: Delimiter = ',', bestScore = -1;
  for (const d of [';', '\t', ','] as const) {
    const t = tokenize(text, d, limit);
    const counts = new Map<number, number>();
    let rows = 0;
    for (let r = 0; r < t.nRows && rows < 200; r++) {
      if (isBlankRow(t, r)) continue;
      rows++;
      const len = rowLength(t, r);
      if (len >= 2) counts.set(len, (counts.get(len) ?? 0) + 1);
    }
    let score = 0;
    for (const v of counts.values()) if (v > score) score = v;
    if (score > bestScore) { best = d; bestScore = score; }
  }
  return best;
}
