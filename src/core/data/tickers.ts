// Tickers from headers, ticker columns and file names (data-formats.md "Layouts"), and the header
// aliases that say which column is the date, the ticker, the adjusted close, the close or the price.

/** Exchange suffixes Stooq appends (SPY.US, VOD.UK, SAP.DE …): the user knows the bare ticker. */
const STOOQ_SUFFIX = /\.(US|UK|DE|JP|HK|PL|HU|F|V)$/i;

/** Series ids that name the same environment series (VIX, DGS2, DGS10). Keys upper case. */
const TICKER_ALIASES: Record<string, string> = { VIXCLS: 'VIX', '^VIX': 'VIX', VIX_CLOSE: 'VIX' };

/**
 * A series name as the file writes it: trimmed, quotes dropped, a Stooq exchange suffix removed,
 * FRED/Yahoo ids of the environment series mapped (VIXCLS → VIX). The case is kept: Ken French's
 * `Mkt-RF` stays `Mkt-RF` (data-formats.md: names are the user's, matched case-insensitively).
 */
export function cleanTicker(raw: string): string {
  let t = raw.trim().replace(/^["']+|["']+$/g, '').trim();
  t = t.replace(STOOQ_SUFFIX, '');
  return TICKER_ALIASES[t.toUpperCase()] ?? t;
}

/**
 * The key tickers are matched by (roles, column kinds, the same ticker in two files): cleanTicker
 * upper-cased, so `mkt-rf`, `MKT-RF` and `Mkt-RF` are one series and VIXCLS is VIX.
 */
export function normaliseTicker(raw: string): string {
  return cleanTicker(raw).toUpperCase();
}

/**
 * Ticker from a file name: `SPY.csv` → SPY, `spy.us.txt` → SPY, `QUAL (1).csv` → QUAL (a browser's
 * second download), `SPY Historical Data.csv` → SPY (Investing.com), `VIXCLS.csv` → VIX. Upper
 * case: a file name is the download tool's spelling (Stooq writes spy.us.txt), not a name the file
 * gives its series; names written inside a file keep their case (cleanTicker).
 */
export function tickerFromFileName(name: string): string {
  let base = name.split(/[\\/]/).pop() ?? name;
  base = base.replace(/\.(csv|txt|tsv|prn|dat|asc)$/i, '');
  base = base.replace(/\s*\(\d+\)$/, '');
  base = base.replace(/[\s_-]+historical[\s_-]+data$/i, '');
  base = base.replace(/\s*\(\d+\)$/, '');
  const t = normaliseTicker(base);
  return t.length > 0 ? t : 'SERIES';
}

/** Header text reduced to letters, digits and '%': "Adj Close" → "adjclose", "<CLOSE>" → "close". */
export function normaliseHeader(h: string): string {
  return h.toLowerCase().replace(/[^a-z0-9%]/g, '');
}

export const DATE_ALIASES = new Set([
  'date', 'dates', 'datetime', 'timestamp', 'observationdate', 'day', 'tradedate', 'tradingday', 'pricedate',
  'asofdate', 'datum', 'fecha', 'data', 'period', 'caldt',
]);
export const TICKER_ALIASES_HEADER = new Set(['ticker', 'symbol', 'code', 'secid', 'instrument', 'tickersymbol', 'permno']);
export const ADJ_CLOSE_ALIASES = new Set([
  'adjclose', 'adjustedclose', 'adjclosing', 'closeadj', 'adjcloseprice', 'adjustedcloseprice', 'adjustedclosingprice',
  'adjprice', 'adjustedprice', 'adjcls',
]);
export const CLOSE_ALIASES = new Set([
  'close', 'closeprice', 'closing', 'closingprice', 'last', 'lastprice', 'zamkniecie', 'schluss', 'schlusskurs',
  'cierre', 'chiusura', 'cloture', 'cls',
]);
export const PRICE_ALIASES = new Set(['price', 'value', 'nav', 'pxlast', 'rate', 'level', 'kurs', 'px', 'prc']);
export const RETURN_ALIASES = new Set(['return', 'returns', 'ret', 'dailyreturn', 'totalreturn', 'simplereturn']);
export const PERCENT_RETURN_ALIASES = new Set(['return%', 'returns%', 'ret%', 'returnpct', 'pctreturn', 'percentreturn', 'returnpercent']);
/** Columns that are read past: OHLC besides the close, volume, time, change … */
export const IGNORED_ALIASES = new Set([
  'open', 'high', 'low', 'volume', 'vol', 'openint', 'openinterest', 'per', 'time', 'change%', 'change', 'changepct',
  'chg', 'chg%', 'otwarcie', 'najwyzszy', 'najnizszy', 'wolumen', 'dividends', 'stocksplits', 'capitalgains',
  'repaired', 'bid', 'ask', 'turnover', 'trades', 'count', 'name', 'currency', 'exchange',
]);

/** Ranking of value columns in a one-ticker file: adjusted close before close before price (rule 2). */
export function valueRank(norm: string): number {
  if (ADJ_CLOSE_ALIASES.has(norm)) return 4;
  if (CLOSE_ALIASES.has(norm)) return 3;
  if (PRICE_ALIASES.has(norm)) return 2;
  if (RETURN_ALIASES.has(norm) || PERCENT_RETURN_ALIASES.has(norm)) return 1;
  return 0;
}

/** FRED series ids people bring for the environment and its neighbours. */
export function looksLikeFredId(t: string): boolean {
  return /^(VIXCLS|VIX|DGS\d+(MO)?|DTB\d+|T10Y2Y|T10Y3M|T5YIE|T10YIE|BAMLH0A0HYM2|DFF|DFEDTARU|TEDRATE|SOFR|DEXUSEU|DCOILWTICO)$/.test(t);
}

/** Environment series of the default universe: levels, not prices. */
export const ENVIRONMENT_TICKERS = new Set(['VIX', 'DGS2', 'DGS10']);
