// Roles: SPY is the market; QUAL MTUM USMV VLUE SIZE IWF are factors; VIX DGS2 DGS10 are
// environment levels; anything else starts 'unused'. Ken French's files (method.md §12): Mkt-RF is
// the market (an excess return), RF the risk-free rate, every other column a long-short factor.
// Every role is editable through options.roles.
import type { AssetRole } from './panel.ts';
import { DEFAULT_ENVIRONMENT, DEFAULT_FACTORS, DEFAULT_MARKET } from './panel.ts';
import type { Severity } from './types.ts';
import { normaliseTicker } from './tickers.ts';

/** Every role, in the order the Data screen lists them. */
export const ASSET_ROLES: readonly AssetRole[] = ['market', 'factor', 'longShort', 'riskFree', 'environment', 'unused'];
const ROLES = new Set<AssetRole>(ASSET_ROLES);

/** What a series' values are: prices, an index chained from the file's returns, or levels (VIX, yields). */
export type SeriesHolds = 'price' | 'returns' | 'level';

export interface RoleNote { severity: Severity; ticker: string; message: string; action: string }

/** Ken French's market column: the market's return over the risk-free rate. */
export function isMarketExcessName(ticker: string): boolean {
  return /^MKT[-_ ]?RF$/.test(ticker.toUpperCase());
}

/** The role a ticker gets when nobody says otherwise; `source` is the importer's (FileReport.source). */
export function defaultRole(ticker: string, source?: string): AssetRole {
  const t = ticker.toUpperCase();
  if (source === 'ken-french') return isMarketExcessName(t) ? 'market' : t === 'RF' ? 'riskFree' : 'longShort';
  if (t === DEFAULT_MARKET) return 'market';
  if ((DEFAULT_FACTORS as readonly string[]).includes(t)) return 'factor';
  if ((DEFAULT_ENVIRONMENT as readonly string[]).includes(t)) return 'environment';
  return 'unused';
}

/** Tickers as a list in words: "A", "A and B", "A, B and C" (for messages). */
export function listTickers(ts: readonly string[]): string {
  if (ts.length <= 1) return ts.join('');
  return `${ts.slice(0, -1).join(', ')} and ${ts[ts.length - 1]}`;
}

/**
 * What can be combined in one universe (method.md §12), for a set that mixes long-short factor
 * returns and asset prices: what is wrong, what goes with what, and what to do.
 */
export function combinationMessage(longShort: readonly string[], prices: readonly string[]): string {
  const ls = listTickers(longShort), px = listTickers(prices);
  return `${px} ${prices.length > 1 ? 'hold' : 'holds'} asset prices and ${ls} ${longShort.length > 1 ? 'are' : 'is a'} long-short factor return${longShort.length > 1 ? 's' : ''}: ` +
    'they cannot be combined in one universe. Long-short factor returns combine with a market excess return and a risk-free rate of the same source ' +
    '(Ken French: Mkt-RF and RF), each factor becoming the asset "market + factor"; asset prices combine with each other (a market such as SPY ' +
    'with factor funds such as QUAL); environment series (VIX, DGS2, DGS10) combine with either. Import the two groups as separate data sets, ' +
    'or set the series you do not want to unused.';
}

/**
 * Roles for the given tickers: defaults, then the user's overrides (keys are tickers, any case;
 * VIXCLS means VIX). At most one market: an override naming a new market demotes the default one
 * to 'unused'. A level series (VIX, yields) cannot be the market or a factor, since its "returns"
 * mean nothing, and only a return series can be a long-short factor or the risk-free rate; such an
 * override is refused with a note. When long-short factors are present, asset prices that only
 * had their default market or factor role become 'unused' (they cannot be combined, method.md §12).
 */
export function resolveRoles(
  tickers: string[], overrides: Record<string, AssetRole> = {}, holds: Record<string, SeriesHolds> = {}, sources: Record<string, string> = {},
): { roles: Record<string, AssetRole>; notes: RoleNote[] } {
  const roles: Record<string, AssetRole> = {};
  const notes: RoleNote[] = [];
  for (const t of tickers) roles[t] = defaultRole(t, sources[t]);
  // Override keys match tickers in any case (mkt-rf sets Mkt-RF); roles are keyed by the names as written.
  const byKey = new Map<string, string>();
  for (const t of tickers) if (!byKey.has(normaliseTicker(t))) byKey.set(normaliseTicker(t), t);
  const wanted = new Map<string, AssetRole>();
  for (const [k, v] of Object.entries(overrides ?? {})) {
    const t = byKey.get(normaliseTicker(k));
    if (!ROLES.has(v)) { notes.push({ severity: 'warning', ticker: t ?? k, message: `role "${String(v)}" for ${t ?? k} is not one of ${ASSET_ROLES.join(', ')}`, action: 'ignored' }); continue; }
    if (t === undefined) { notes.push({ severity: 'warning', ticker: k, message: `a role was given for ${k}, but no imported series has that ticker`, action: 'ignored' }); continue; }
    wanted.set(t, v);
  }
  for (const [t, v] of wanted) {
    if (v !== 'environment' && v !== 'unused' && holds[t] === 'level') {
      notes.push({ severity: 'error', ticker: t, message: `${t} holds levels (like VIX or a yield), not prices or returns, so it cannot be the ${roleName(v)}`, action: `kept as ${roleName(roles[t]!)}` });
      continue;
    }
    if ((v === 'longShort' || v === 'riskFree') && holds[t] === 'price') {
      notes.push({ severity: 'error', ticker: t, message: `${t} holds prices, not returns, so it cannot be ${v === 'longShort' ? 'a long-short factor' : 'the risk-free rate'}`, action: `kept as ${roleName(roles[t]!)}` });
      continue;
    }
    roles[t] = v;
  }
  const longShort = tickers.filter((t) => roles[t] === 'longShort');
  if (longShort.length) {
    const prices = tickers.filter((t) => holds[t] === 'price' && (roles[t] === 'market' || roles[t] === 'factor'));
    const demoted = prices.filter((t) => !wanted.has(t));
    for (const t of demoted) roles[t] = 'unused';
    if (prices.length) {
      notes.push({ severity: 'warning', ticker: prices[0]!, message: combinationMessage(longShort, prices),
        action: demoted.length ? `${listTickers(demoted)} set to unused` : 'roles kept as you set them: a backtest on them will stop with this message' });
    }
  }
  const markets = tickers.filter((t) => roles[t] === 'market');
  if (markets.length > 1) {
    // Keep the user's choice over the default; among several user choices, the first ticker.
    const chosen = markets.find((t) => wanted.get(t) === 'market') ?? markets[0]!;
    for (const t of markets) {
      if (t === chosen) continue;
      roles[t] = 'unused';
      if (wanted.get(t) === 'market') notes.push({ severity: 'warning', ticker: t, message: `only one market is allowed and ${chosen} is already the market`, action: `${t} set to unused` });
      else notes.push({ severity: 'info', ticker: t, message: `${chosen} was chosen as the market`, action: `${t} set to unused` });
    }
  }
  const riskFree = tickers.filter((t) => roles[t] === 'riskFree');
  for (const t of riskFree.slice(1)) {
    roles[t] = 'unused';
    notes.push({ severity: 'warning', ticker: t, message: `only one risk-free rate is allowed and ${riskFree[0]} is already it`, action: `${t} set to unused` });
  }
  return { roles, notes };
}

/** A role in words, for messages ("the market", "a long-short factor"). */
export function roleName(role: AssetRole): string {
  switch (role) {
    case 'market': return 'market';
    case 'factor': return 'factor';
    case 'longShort': return 'long-short factor';
    case 'riskFree': return 'risk-free rate';
    case 'environment': return 'environment series';
    case 'unused': return 'unused';
  }
}

/**
 * Default roles for these tickers, with optional overrides (see resolveRoles; notes are dropped
 * here — buildPanel reports them).
 */
export function assignDefaultRoles(
  tickers: string[], overrides?: Record<string, AssetRole>, holds?: Record<string, SeriesHolds>, sources?: Record<string, string>,
): Record<string, AssetRole> {
  return resolveRoles(tickers, overrides, holds, sources).roles;
}

/** Order of series in a panel: market, factors (default order first), risk-free rate, environment, unused. */
export function roleRank(role: AssetRole): number {
  return role === 'market' ? 0 : role === 'factor' || role === 'longShort' ? 1 : role === 'riskFree' ? 2 : role === 'environment' ? 3 : 4;
}

export function defaultOrderIndex(ticker: string): number {
  const t = ticker.toUpperCase();
  const f = (DEFAULT_FACTORS as readonly string[]).indexOf(t);
  if (f >= 0) return f;
  const e = (DEFAULT_ENVIRONMENT as readonly string[]).indexOf(t);
  if (e >= 0) return e;
  return 1000;
}
