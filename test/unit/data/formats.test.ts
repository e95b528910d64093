// One test per layout, source and quirk of data-formats.md, each on a small hand-written fixture in
// test/fixtures/data/. Expected values are the decimals written in those fixtures.
import { describe, it, expect } from 'vitest';
import { importFiles } from '../../../src/core/data/import.ts';
import { tickerFromFileName } from '../../../src/core/data/tickers.ts';
import { fixtureBytes, importFixtures, issuesMatching, onlyReport, values } from './helpers.ts';

describe('Yahoo Finance web download', () => {
  it('reads Adj Close, skips literal null rows and reports each with its row', () => {
    const r = importFixtures(['yahoo/SPY.csv']);
    const rep = onlyReport(r);
    expect(rep).toMatchObject({ source: 'yahoo', layout: 'single', delimiter: ',', dateFormat: 'YYYY-MM-DD', tickers: ['SPY'], rows: 9, adjusted: true, accepted: true, firstDate: '2023-12-22', lastDate: '2024-01-03' });
    expect(rep.kinds).toEqual({ SPY: 'price' });
    expect(r.panel!.dates).toEqual(['2023-12-22', '2023-12-26', '2023-12-27', '2023-12-28', '2023-12-29', '2024-01-02', '2024-01-03']);
    // Adj Close, not Close (Close is split-adjusted only).
    expect(values(r.panel, 'SPY')).toEqual([468.120605, 470.097229, 470.947174, 471.125061, 469.761139, 467.132172, 463.317169]);
    const nulls = issuesMatching(rep.issues, /null/);
    expect(nulls.map((i) => i.row)).toEqual([3, 8]);
    for (const i of nulls) expect(i).toMatchObject({ severity: 'warning', file: 'SPY.csv', column: 'Adj Close', action: 'row skipped' });
  });

  it('reads older downloads with Adj Close as the last column', () => {
    const r = importFixtures(['yahoo-old/QUAL.csv']);
    expect(onlyReport(r)).toMatchObject({ source: 'yahoo', tickers: ['QUAL'], adjusted: true, accepted: true });
    expect(values(r.panel, 'QUAL')).toEqual([80.123456, 79.615623, 79.549797, 78.947922, 78.364868]);
  });
});

describe('yfinance to_csv (two-level header)', () => {
  it('single ticker, time-zone-aware timestamps: the written date is the trading date', () => {
    const r = importFixtures(['yfinance/SPY.csv']);
    const rep = onlyReport(r);
    expect(rep).toMatchObject({ source: 'yfinance', layout: 'two-level', tickers: ['SPY'], adjusted: true, rows: 5, firstDate: '2023-01-03', lastDate: '2023-01-09' });
    expect(r.panel!.dates).toEqual(['2023-01-03', '2023-01-04', '2023-01-05', '2023-01-06', '2023-01-09']);
    expect(values(r.panel, 'SPY')).toEqual([373.0556640625, 375.18951416015625, 371.19708251953125, 379.61767578125, 379.36514282226562]);
    expect(issuesMatching(rep.issues, /already adjusted/)).toHaveLength(1);
  });

  it('several tickers: field x ticker columns, Close of each ticker', () => {
    const r = importFixtures(['yfinance/multi.csv']);
    const rep = onlyReport(r);
    expect(rep).toMatchObject({ layout: 'two-level', tickers: ['QUAL', 'SPY'], rows: 4 });
    expect(values(r.panel, 'QUAL')).toEqual([117.2071533203125, 118.0316162109375, 116.9122314453125, 119.4503173828125]);
    expect(values(r.panel, 'SPY')).toEqual([373.0556640625, 375.18951416015625, 371.19708251953125, 379.61767578125]);
  });
});

describe('Stooq', () => {
  it('single symbol, no adjusted column, ticker from spy.us.txt', () => {
    const r = importFixtures(['stooq/spy.us.txt']);
    expect(onlyReport(r)).toMatchObject({ source: 'stooq', layout: 'single', tickers: ['SPY'], adjusted: false, accepted: true });
    expect(values(r.panel, 'SPY')).toEqual([512.85, 512.3, 507.18, 509.75, 514.81]);
    expect(issuesMatching(onlyReport(r).issues, /no adjusted close column/)).toHaveLength(1);
  });

  it('exports with extra Symbol, Time, OpenInt columns: ticker from the Symbol column', () => {
    const r = importFixtures(['stooq/mtum_d.csv']);
    expect(onlyReport(r)).toMatchObject({ source: 'stooq', layout: 'single', tickers: ['MTUM'], rows: 4 });
    expect(values(r.panel, 'MTUM')).toEqual([187.74, 187.2, 184.33, 185.7]);
  });

  it('bulk: long layout, <BRACKETED> header, YYYYMMDD dates, SPY.US tickers', () => {
    const r = importFixtures(['stooq-bulk/us_etfs.txt']);
    const rep = onlyReport(r);
    expect(rep).toMatchObject({ source: 'stooq-bulk', layout: 'long', dateFormat: 'YYYYMMDD', tickers: ['QUAL', 'SPY'], rows: 8 });
    expect(r.panel!.dates).toEqual(['2024-03-01', '2024-03-04', '2024-03-05', '2024-03-06']);
    expect(values(r.panel, 'SPY')).toEqual([512.85, 512.3, 507.18, 509.75]);
    expect(values(r.panel, 'QUAL')).toEqual([161.85, 161.62, 160.2, 161.04]);
  });
});

describe('Investing.com', () => {
  it('quoted fields, thousands separators, B volumes, newest first, MM/DD/YYYY', () => {
    const r = importFixtures(['investing/SPX Historical Data.csv']);
    const rep = onlyReport(r);
    expect(rep).toMatchObject({ source: 'investing', tickers: ['SPX'], dateFormat: 'MM/DD/YYYY', adjusted: false, rows: 5 });
    expect(r.panel!.dates).toEqual(['2024-03-11', '2024-03-12', '2024-03-13', '2024-03-14', '2024-03-15']);
    expect(values(r.panel, 'SPX')).toEqual([5117.94, 5175.27, 5165.31, 5150.48, 5117.09]);
    expect(issuesMatching(rep.issues, /newest first/)).toHaveLength(1);
  });

  it('DD/MM/YYYY and K/M volumes', () => {
    const r = importFixtures(['investing/VLUE Historical Data.csv']);
    expect(onlyReport(r)).toMatchObject({ tickers: ['VLUE'], dateFormat: 'DD/MM/YYYY', accepted: true });
    expect(r.ambiguities).toEqual([]);
    expect(values(r.panel, 'VLUE')).toEqual([104.85, 105.07, 105.66, 105.02, 104.52]);
  });
});

describe('FRED', () => {
  it("DATE,VIXCLS with '.' for no observation: VIX, a level", () => {
    const r = importFixtures(['fred/VIXCLS.csv']);
    const rep = onlyReport(r);
    expect(rep).toMatchObject({ source: 'fred', tickers: ['VIX'], kinds: { VIX: 'level' }, rows: 6 });
    expect(r.panel!.series[0]).toMatchObject({ ticker: 'VIX', role: 'environment', kind: 'level' });
    expect(r.panel!.dates).toEqual(['2024-03-25', '2024-03-26', '2024-03-27', '2024-03-28', '2024-04-01']);
    expect(values(r.panel, 'VIX')).toEqual([13.19, 12.92, 12.78, 13.01, 13.65]);
    const miss = issuesMatching(rep.issues, /FRED writes/);
    expect(miss).toHaveLength(1);
    expect(miss[0]).toMatchObject({ row: 6, action: 'row skipped' });
  });

  it('observation_date,DGS2 with a blank value', () => {
    const r = importFixtures(['fred/DGS2.csv']);
    expect(onlyReport(r)).toMatchObject({ source: 'fred', tickers: ['DGS2'], kinds: { DGS2: 'level' } });
    expect(values(r.panel, 'DGS2')).toEqual([4.63, 4.58, 4.55, 4.59, 4.71]);
    expect(issuesMatching(onlyReport(r).issues, /empty cell/)[0]).toMatchObject({ row: 6 });
  });
});

describe('Ken French data library', () => {
  it('preamble, monthly YYYYMM percent returns, -99.99 missing, annual table not read', () => {
    const r = importFixtures(['ken-french/F-F_Research_Data_Factors.CSV']);
    const rep = onlyReport(r);
    // Names as the file writes them (Mkt-RF, not MKT-RF).
    expect(rep).toMatchObject({ source: 'ken-french', layout: 'wide', dateFormat: 'YYYYMM', tickers: ['Mkt-RF', 'SMB', 'HML', 'RF'], rows: 6, adjusted: true });
    expect(rep.kinds).toEqual({ 'Mkt-RF': 'percentReturn', SMB: 'percentReturn', HML: 'percentReturn', RF: 'percentReturn' });
    expect(r.panel!.dates).toEqual(['2023-07-31', '2023-08-31', '2023-09-30', '2023-10-31', '2023-11-30', '2023-12-31']);
    // Index starts at 100 on the first date; each later value compounds that month's percent return.
    const mkt = [3.21, -2.39, -5.24, -3.18, 8.84, 4.87];
    const expected = [100];
    for (let i = 1; i < mkt.length; i++) expected.push(expected[i - 1]! * (1 + mkt[i]! / 100));
    values(r.panel, 'Mkt-RF').forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 10));
    // HML 202309 is -99.99 (missing): the index holds its level that month (forward fill ≤ 3).
    const hml = values(r.panel, 'HML');
    expect(hml[2]).toBe(hml[1]);
    expect(hml[3]).toBeCloseTo(hml[1]! * 1.0019, 10);
    expect(issuesMatching(rep.issues, /-99\.99/)[0]).toMatchObject({ row: 7, column: 'HML' });
    expect(issuesMatching(rep.issues, /annual table/)[0]).toMatchObject({ row: 12, action: 'ignored' });
    expect(issuesMatching(rep.issues, /text above the table/)).toHaveLength(1);
  });

  it('daily YYYYMMDD file with a copyright footer', () => {
    const r = importFixtures(['ken-french/F-F_Research_Data_Factors_daily.CSV']);
    const rep = onlyReport(r);
    expect(rep).toMatchObject({ source: 'ken-french', dateFormat: 'YYYYMMDD', rows: 5, firstDate: '2024-01-02', lastDate: '2024-01-08' });
    const rf = values(r.panel, 'RF');
    expect(rf[1]).toBeCloseTo(100 * 1.00021, 12);
    expect(rf[4]).toBeCloseTo(100 * 1.00021 ** 4, 12);
  });
});

describe('European spreadsheet export', () => {
  it('";" delimiter, decimal comma, DD.MM.YYYY, thousands dots in volumes', () => {
    const r = importFixtures(['european/SPY.csv']);
    const rep = onlyReport(r);
    expect(rep).toMatchObject({ source: 'spreadsheet', delimiter: ';', dateFormat: 'DD.MM.YYYY', tickers: ['SPY'], accepted: true });
    expect(r.panel!.dates).toEqual(['2024-01-10', '2024-01-11', '2024-01-12', '2024-01-16', '2024-01-17']);
    expect(values(r.panel, 'SPY')).toEqual([476.36, 476.35, 476.68, 474.93, 472.29]);
  });

  it('thousands dot and decimal comma in the price itself: 4.783,45', () => {
    const r = importFixtures(['european/SPX.csv']);
    expect(values(r.panel, 'SPX')).toEqual([4783.45, 4780.24, 4783.83, 4765.98, 4739.21]);
  });
});

describe('byte order mark, CRLF, trailing empty lines', () => {
  it('reads the bytes cleanly', () => {
    const bytes = fixtureBytes('bom/QUAL.csv');
    expect(Array.from(bytes.subarray(0, 3))).toEqual([0xef, 0xbb, 0xbf]);
    const r = importFiles([{ name: 'QUAL.csv', bytes }]);
    const rep = onlyReport(r);
    expect(rep).toMatchObject({ source: 'yahoo', tickers: ['QUAL'], rows: 4, accepted: true });
    expect(rep.issues.filter((i) => i.severity !== 'info')).toEqual([]);
    expect(values(r.panel, 'QUAL')).toEqual([155.873901, 157.217621, 156.281982, 156.899094]);
  });

  it('a BOM in text input is dropped too, and UTF-16 spreadsheet exports decode', () => {
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(fixtureBytes('bom/QUAL.csv'));
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const a = importFiles([{ name: 'QUAL.csv', text }]);
    expect(values(a.panel, 'QUAL')).toEqual([155.873901, 157.217621, 156.281982, 156.899094]);
    const plain = text.slice(1);
    const utf16 = new Uint8Array(2 + plain.length * 2);
    utf16[0] = 0xff; utf16[1] = 0xfe;
    for (let i = 0; i < plain.length; i++) { utf16[2 + 2 * i] = plain.charCodeAt(i) & 0xff; utf16[3 + 2 * i] = plain.charCodeAt(i) >> 8; }
    const b = importFiles([{ name: 'QUAL.csv', bytes: utf16 }]);
    expect(values(b.panel, 'QUAL')).toEqual([155.873901, 157.217621, 156.281982, 156.899094]);
    expect(issuesMatching(onlyReport(b).issues, /utf-16le/)).toHaveLength(1);
  });
});

describe('Excel serial dates', () => {
  it('45293 is 2024-01-02', () => {
    const r = importFixtures(['excel/USMV.csv']);
    expect(onlyReport(r)).toMatchObject({ dateFormat: 'excel-serial', tickers: ['USMV'] });
    expect(r.panel!.dates).toEqual(['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08']);
    expect(values(r.panel, 'USMV')).toEqual([80.12, 79.85, 79.99, 80.4, 80.77]);
  });
});

describe('DD.MM.YYYY that also reads month-first', () => {
  it('waits for the user, suggesting day-first from the daily spacing', () => {
    const r = importFixtures(['european/ESTX.csv']);
    expect(onlyReport(r).accepted).toBe(false);
    expect(r.ambiguities).toEqual([{ file: 'ESTX.csv', examples: ['02.01.2024', '03.01.2024', '04.01.2024'], likely: 'dmy' }]);
    const ok = importFixtures(['european/ESTX.csv'], { dateOrder: { 'ESTX.csv': 'dmy' } });
    expect(ok.panel!.dates).toEqual(['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08']);
    expect(values(ok.panel, 'ESTX')).toEqual([4512.21, 4464.71, 4486.47, 4463.51, 4470.07]);
  });
});

describe('layouts', () => {
  it('wide: one column per ticker; an empty cell is reported and forward-filled', () => {
    const r = importFixtures(['wide/prices.csv']);
    const rep = onlyReport(r);
    expect(rep).toMatchObject({ layout: 'wide', tickers: ['SPY', 'QUAL', 'MTUM'], rows: 5 });
    expect(values(r.panel, 'QUAL')).toEqual([165.1, 163.92, 163.92, 161.8, 163.2]);
    expect(issuesMatching(rep.issues, /no value for QUAL/)[0]).toMatchObject({ row: 4, column: 'QUAL' });
    expect(issuesMatching(r.panelReport!.issues, /QUAL: 1 missing price/)).toHaveLength(1);
  });

  it('long: date,ticker,close', () => {
    const r = importFixtures(['long/prices.csv']);
    expect(onlyReport(r)).toMatchObject({ layout: 'long', tickers: ['SPY', 'QUAL'], rows: 8 });
    expect(values(r.panel, 'SPY')).toEqual([523.17, 519.41, 520.54, 513.07]);
    expect(values(r.panel, 'QUAL')).toEqual([165.1, 163.92, 164.05, 161.8]);
  });

  it('tab-delimited', () => {
    const r = importFixtures(['tab/IWF.txt']);
    expect(onlyReport(r)).toMatchObject({ delimiter: '\t', tickers: ['IWF'], adjusted: true });
    expect(values(r.panel, 'IWF')).toEqual([337.941162, 340.12738, 345.448059]);
  });
});

describe('tickers from file names', () => {
  it('SPY.csv, spy.us.txt, QUAL (1).csv, Investing and FRED names', () => {
    expect(tickerFromFileName('SPY.csv')).toBe('SPY');
    expect(tickerFromFileName('spy.us.txt')).toBe('SPY');
    expect(tickerFromFileName('QUAL (1).csv')).toBe('QUAL');
    expect(tickerFromFileName('downloads/QUAL(2).csv')).toBe('QUAL');
    expect(tickerFromFileName('SPY Historical Data.csv')).toBe('SPY');
    expect(tickerFromFileName('VIXCLS.csv')).toBe('VIX');
    expect(tickerFromFileName('BRK.B.csv')).toBe('BRK.B');
  });

  it('a browser\'s second download "QUAL (1).csv" imports as QUAL, a factor', () => {
    const r = importFixtures(['names/QUAL (1).csv']);
    expect(onlyReport(r).tickers).toEqual(['QUAL']);
    expect(r.panel!.series[0]).toMatchObject({ ticker: 'QUAL', role: 'factor' });
  });
});

describe('checks (data-formats.md rule 6)', () => {
  const r = importFixtures(['quirks/SIZE.csv']);
  const issues = onlyReport(r).issues;
  it('duplicate dates: same value dropped, different value keeps the first row', () => {
    expect(issuesMatching(issues, /2020-06-02 appears again/)[0]).toMatchObject({ row: 4, action: 'duplicate dropped' });
    expect(issuesMatching(issues, /2020-06-03 appears again.*different value/)[0]).toMatchObject({ row: 6, action: "kept row 5's value" });
    expect(values(r.panel, 'SIZE')[2]).toBe(202.4);
  });
  it('non-positive price: an error, treated as missing and forward-filled', () => {
    expect(issuesMatching(issues, /price -1 .* not positive/)[0]).toMatchObject({ severity: 'error', row: 15, action: 'treated as missing' });
    const i = r.panel!.dates.indexOf('2020-06-24');
    expect(values(r.panel, 'SIZE')[i]).toBe(50.95);
  });
  it('a gap over 7 calendar days', () => {
    expect(issuesMatching(issues, /no data for 11 calendar days between 2020-06-11/)[0]).toMatchObject({ severity: 'warning', row: 13 });
  });
  it('a daily move over 50 % (an unadjusted split?)', () => {
    expect(issuesMatching(issues, /falls -75\.0 % from 2020-06-22 to 2020-06-23/)[0]).toMatchObject({ row: 14, action: 'kept: check the file' });
  });
  it('a stale run of identical prices', () => {
    expect(issuesMatching(issues, /6 identical prices 202 from 2020-06-04 to 2020-06-11/)[0]).toMatchObject({ row: 7 });
  });
  it('a null in Adj Close only skips the row', () => {
    expect(issuesMatching(issues, /row 16: no value, "null"/)).toHaveLength(1);
    expect(r.panel!.dates).not.toContain('2020-06-25');
  });
});

describe('column kinds', () => {
  it('a Return column becomes a price index starting at 100', () => {
    const r = importFixtures(['returns/STRAT.csv']);
    expect(onlyReport(r).kinds).toEqual({ STRAT: 'return' });
    const v = values(r.panel, 'STRAT');
    expect(v[0]).toBe(100);
    const rets = [0.0125, -0.005, 0.0031, -0.0102, 0.021];
    for (let i = 1; i < v.length; i++) expect(v[i]! / v[i - 1]! - 1).toBeCloseTo(rets[i]!, 12);
  });

  it('options.columnKinds overrides: the same column as percent returns', () => {
    const r = importFixtures(['returns/STRAT.csv'], { columnKinds: { strat: 'percentReturn' } });
    const v = values(r.panel, 'STRAT');
    expect(v[1]).toBeCloseTo(100 * (1 - 0.00005), 12);
  });

  it('returns read as prices are refused with the fix in the message', () => {
    const text = 'Date,SPY\n' + ['2024-01-02,0.01', '2024-01-03,-0.02', '2024-01-04,0.003', '2024-01-05,-0.004', '2024-01-08,-0.01', '2024-01-09,-0.002', '2024-01-10,-0.001', '2024-01-11,0.02'].join('\n');
    const r = importFiles([{ name: 'rets.csv', text }]);
    const rep = onlyReport(r);
    expect(rep.accepted).toBe(false);
    expect(issuesMatching(rep.issues, /--kind SPY=return/)[0]).toMatchObject({ severity: 'error', action: 'ticker not imported' });
    const ok = importFiles([{ name: 'rets.csv', text }], { columnKinds: { SPY: 'return' } });
    expect(values(ok.panel, 'SPY')[1]).toBeCloseTo(98, 12);
  });
});

describe('files that cannot be used', () => {
  it('empty, header only, prose, a workbook, binary: rejected with a reason, never thrown', () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0]);
    const bin = new Uint8Array(256).map((_, i) => (i * 37) % 256);
    const r = importFiles([
      { name: 'empty.csv', bytes: fixtureBytes('broken/empty.csv') },
      { name: 'header-only.csv', bytes: fixtureBytes('broken/header-only.csv') },
      { name: 'notes.txt', bytes: fixtureBytes('broken/notes.txt') },
      { name: 'prices.xlsx', bytes: zip },
      { name: 'blob.bin', bytes: bin },
      { name: 'nothing.csv' },
    ]);
    expect(r.panel).toBeNull();
    expect(r.reports.map((x) => x.accepted)).toEqual([false, false, false, false, false, false]);
    const first = r.reports.map((x) => x.issues.find((i) => i.severity === 'error')!.message);
    expect(first[0]).toMatch(/empty/);
    expect(first[1]).toMatch(/no data rows found.*"Date,Close"/);
    expect(first[2]).toMatch(/no data rows found/);
    expect(first[3]).toMatch(/Excel workbook/);
    expect(first[4]).toMatch(/binary/);
    expect(first[5]).toMatch(/no content/);
    for (const rep of r.reports) expect(rep.issues.every((i) => i.file === rep.file)).toBe(true);
  });

  it('a rejected file does not disturb the usable ones', () => {
    const r = importFixtures(['broken/notes.txt', 'yahoo/SPY.csv']);
    expect(r.reports.map((x) => x.accepted)).toEqual([false, true]);
    expect(r.panel!.series.map((s) => s.ticker)).toEqual(['SPY']);
  });

  it('the same ticker from a second file is ignored and said so', () => {
    const r = importFixtures(['stooq/spy.us.txt', 'yahoo/SPY.csv']);
    expect(r.reports[1]!.accepted).toBe(false);
    expect(issuesMatching(r.reports[1]!.issues, /SPY was already imported from spy\.us\.txt/)).toHaveLength(1);
    expect(values(r.panel, 'SPY')).toEqual([512.85, 512.3, 507.18, 509.75, 514.81]);
  });
});

describe('several files at once', () => {
  it('a wide file and two FRED files: default roles, levels carried forward and said so', () => {
    const r = importFixtures(['wide/prices.csv', 'fred/VIXCLS.csv', 'fred/DGS2.csv', 'yfinance/multi.csv']);
    // multi.csv repeats SPY and QUAL, already imported from prices.csv: ignored, file not used.
    expect(r.reports.map((x) => x.accepted)).toEqual([true, true, true, false]);
    const p = r.panel!;
    expect(p.series.map((s) => [s.ticker, s.role, s.kind])).toEqual([
      ['SPY', 'market', 'price'], ['QUAL', 'factor', 'price'], ['MTUM', 'factor', 'price'],
      ['VIX', 'environment', 'level'], ['DGS2', 'environment', 'level'],
    ]);
    expect(p.dates).toEqual(['2024-04-01', '2024-04-02', '2024-04-03', '2024-04-04', '2024-04-05']);
    expect(values(p, 'VIX')).toEqual([13.65, 13.65, 13.65, 13.65, 13.65]);
    expect(values(p, 'DGS2')).toEqual([4.71, 4.71, 4.71, 4.71, 4.71]);
    expect(issuesMatching(r.panelReport!.issues, /VIX ends 2024-04-01.*carried forward over the last 4 trading day/)).toHaveLength(1);
    expect(r.panelReport!.message).toMatch(/VIX and DGS2 end by 2024-04-01/);
  });

  it('histories that do not overlap: no panel, and the report says why', () => {
    const r = importFixtures(['stooq-bulk/us_etfs.txt', 'fred/VIXCLS.csv']);
    expect(r.panel).toBeNull();
    expect(r.panelReport!.message).toMatch(/no date is common/);
    expect(r.panelReport!.issues.some((i) => i.severity === 'error')).toBe(true);
  });
});
