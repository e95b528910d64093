// Text where a price should be (a new user's report): the header is still the header, and the
// message names the row, the column as the header writes it and the text — never "text above the
// table", a column named after the bad cell, or a ticker made of it.
import { describe, it, expect } from 'vitest';
import { importFiles } from '../../../src/core/data/import.ts';

function report(text: string, name = 'prices.csv') {
  const r = importFiles([{ name, text }]);
  return { r, rep: r.reports[0]!, messages: r.reports[0]!.issues.map((i) => i.message) };
}

describe('a bad value in the first data row', () => {
  it('Date,Close with "hello" first: row 2, column Close; the rest of the file is read', () => {
    const { rep, messages } = report('Date,Close\n2024-01-02,hello\n2024-01-03,100\n2024-01-04,101\n');
    expect(rep.tickers).toEqual(['PRICES']);
    expect(rep.issues.find((i) => i.severity === 'error')).toMatchObject({ row: 2, column: 'Close', message: 'row 2, column Close: "hello" is not a number', action: 'row skipped' });
    expect(messages.some((m) => /text above the table/.test(m))).toBe(false);
    expect(messages.some((m) => /HELLO|column "hello"/.test(m))).toBe(false);
    expect(rep.firstDate).toBe('2024-01-03');
  });

  it('a file whose only row is bad is rejected with that row\'s reason', () => {
    const { rep, messages } = report('Date,Close\r\n2024-01-02,hello\r\n');
    expect(rep.accepted).toBe(false);
    expect(messages[0]).toBe('row 2, column Close: "hello" is not a number');
    expect(messages).toContain('nothing usable in this file: no series has a dated value');
  });

  it('several bad rows under a Yahoo-style header: each named with its row and column', () => {
    const { rep } = report('Date,Adj Close,Volume\n2024-01-02,hello,5\n2024-01-03,n/a?,5\n2024-01-04,100,5\n2024-01-05,101,5\n');
    expect(rep.issues.filter((i) => i.severity === 'error').map((i) => [i.row, i.column])).toEqual([[2, 'Adj Close'], [3, 'Adj Close']]);
    expect(rep.accepted).toBe(true);
  });

  it('a preamble above a header is still text above the table', () => {
    const { rep, messages } = report('Prices downloaded from somewhere\n\nDate,Close\n2024-01-02,hello\n2024-01-03,100\n2024-01-04,101\n');
    expect(messages.find((m) => /text above the table/.test(m))).toBe('1 line(s) of text above the table skipped (rows 1–1)');
    expect(rep.issues.find((i) => i.severity === 'error')).toMatchObject({ row: 4, column: 'Close' });
  });

  it('a header of unknown names above a bad row changes nothing (wide files keep working)', () => {
    const { rep } = report('Date,AAA,BBB\n2024-01-02,1,2\n2024-01-03,3,4\n');
    expect(rep.tickers).toEqual(['AAA', 'BBB']);
  });
});
