// The tokenizer and the delimiter guess (data-formats.md rule 1).
import { describe, it, expect } from 'vitest';
import { cell, detectDelimiter, isBlankRow, rowLength, tokenize } from '../../../src/core/data/csv.ts';

function rows(text: string, d: ',' | ';' | '\t' = ','): string[][] {
  const t = tokenize(text, d);
  const out: string[][] = [];
  for (let r = 0; r < t.nRows; r++) { const row: string[] = []; for (let c = 0; c < rowLength(t, r); c++) row.push(cell(t, r, c)); out.push(row); }
  return out;
}

describe('tokenize', () => {
  it('quoted fields with delimiters, doubled quotes and line breaks inside; line numbers stay true', () => {
    const text = '"Date","Note","Price"\r\n"2024-01-02","a, ""quoted""\nnote","1,234.5"\r\n2024-01-03,plain,7\n';
    const t = tokenize(text, ',');
    expect(rows(text)).toEqual([['Date', 'Note', 'Price'], ['2024-01-02', 'a, "quoted"\nnote', '1,234.5'], ['2024-01-03', 'plain', '7']]);
    expect(Array.from(t.rowLine.subarray(0, t.nRows))).toEqual([1, 2, 4]);
  });
  it('CRLF, lone CR, trailing empty lines, a trailing delimiter', () => {
    expect(rows('a,b\r\n1,2\r3,4\n\n\n')).toEqual([['a', 'b'], ['1', '2'], ['3', '4'], [''], ['']]);
    expect(rows('a,b,')).toEqual([['a', 'b', '']]);
    const t = tokenize('a,b\n,,\n \n', ',');
    expect([isBlankRow(t, 0), isBlankRow(t, 1), isBlankRow(t, 2)]).toEqual([false, true, true]);
  });
  it('an unterminated quote runs to the end without throwing', () => {
    expect(rows('a,"b\n1,2')).toEqual([['a', 'b\n1,2']]);
  });
});

describe('delimiter', () => {
  it('picks ";" for decimal-comma files where counting commas would pick ","', () => {
    expect(detectDelimiter('Datum;Schluss\n10.01.2024;476,36\n11.01.2024;476,35\n')).toBe(';');
    expect(detectDelimiter('Date,Close\n2024-01-02,1.5\n2024-01-03,1.6\n')).toBe(',');
    expect(detectDelimiter('Date\tClose\n2024-01-02\t1,5\n')).toBe('\t');
    // A preamble with commas does not matter: the table's rows decide.
    expect(detectDelimiter('This file, created by X, has notes.\n\n,Mkt-RF,SMB\n202301,1.2,0.3\n202302,0.4,0.1\n')).toBe(',');
  });
});
