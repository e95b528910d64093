// Roles (issue 2): SPY is the market; QUAL MTUM USMV VLUE SIZE IWF are factors; VIX DGS2 DGS10 are
// environment levels; anything else starts 'unused'. Every role is editable through options.roles.
import type { AssetRole } from './panel.ts';
import { DEFAULT_ENVIRONMENT, DEFAULT_FACTORS, DEFAULT_MARKET } from './panel.ts';
import type { Severity } from './types.ts';
import { normaliseTicker } from './tickers.ts';

const ROLES = new Set<AssetRole>(['market', 'factor', 'environment', 'unused']);

export interface RoleNote { severity: Severity; ticker: string; message: string; action: string }

/** The role a ticker gets when nobody says otherwise. */
export function defaultRole(ticker: string): AssetRole {
  const t = ticker.toUpperCase();
  if (t === DEFAULT_MARKET) return 'market';
  if ((DEFAULT_FACTORS as readonly string[]).includes(t)) return 'factor';
  if ((DEFAULT_ENVIRONMENT as readonly string[]).includes(t)) return 'environment';
  return 'unused';
}

/**
 * Roles for the given tickers: defaults, then the user's overrides (keys are tickers, any case;
 * VIXCLS means VIX). At most one market: an override naming a new market demotes the default one
 * to 'unused'. A level series (VIX, yields) cannot be the market or a factor, since its "returns"
 * mean nothing; such an override is refused with a note.
 */
export function resolveRoles(
  tickers: string[], overrides: Record<string, AssetRole> = {}, kinds: Record<string, 'price' | 'level'> = {},
): { roles: Record<string, AssetRole>; notes: RoleNote[] } {
  const roles: Record<string, AssetRole> = {};
  const notes: RoleNote[] = [];
  for (const t of tickers) roles[t] = defaultRole(t);
  // Override keys match tickers in any case (mkt-rf sets Mkt-RF); roles are keyed by the names as written.
  const byKey = new Map<string, string>();
  for (const t of tickers) if (!byKey.has(normaliseTicker(t))) byKey.set(normaliseTicker(t), t);
  const wanted = new Map<string, AssetRole>();
  for (const [k, v] of Object.entries(overrides ?? {})) {
    const t = byKey.get(normaliseTicker(k));
    if (!ROLES.has(v)) { notes.push({ severity: 'warning', ticker: t ?? k, message: `role "${String(v)}" for ${t ?? k} is not one of market, factor, environment, unused`, action: 'ignored' }); continue; }
    if (t === undefined) { notes.push({ severity: 'warning', ticker: k, message: `a role was given for ${k}, but no imported series has that ticker`, action: 'ignored' }); continue; }
    wanted.set(t, v);
  }
  for (const [t, v] of wanted) {
    if ((v === 'market' || v === 'factor') && kinds[t] === 'level') {
      notes.push({ severity: 'error', ticker: t, message: `${t} holds levels (like VIX or a yield), not prices, so it cannot be the ${v}`, action: `kept as ${roles[t]}` });
      continue;
    }
    roles[t] = v;
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
  return { roles, notes };
}

/**
 * Default roles for these tickers, with optional overrides (see resolveRoles; notes are dropped
 * here — buildPanel reports them).
 */
export function assignDefaultRoles(
  tickers: string[], overrides?: Record<string, AssetRole>, kinds?: Record<string, 'price' | 'level'>,
): Record<string, AssetRole> {
  return resolveRoles(tickers, overrides, kinds).roles;
}

/** Order of series in a panel: market, factors (default order first), environment, unused. */
export function roleRank(role: AssetRole): number {
  return role === 'market' ? 0 : role === 'factor' ? 1 : role === 'environment' ? 2 : 3;
}

export function defaultOrderIndex(ticker: string): number {
  const t = ticker.toUpperCase();
  const f = (DEFAULT_FACTORS as readonly string[]).indexOf(t);
  if (f >= 0) return f;
  const e = (DEFAULT_ENVIRONMENT as readonly string[]).indexOf(t);
  if (e >= 0) return e;
  return 1000;
}
