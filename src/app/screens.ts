// The app's screens, in navigation order. Each screen is a Svelte component loaded on demand (its
// code, and chart.js with it, stays out of the initial bundle). A screen without `load` shows the
// "coming in this build" panel. To add a screen: write src/app/<id>/<Name>Screen.svelte and give
// its entry here a `load: () => import('./<id>/<Name>Screen.svelte')`.
import type { Component } from 'svelte';

export type ScreenId = 'data' | 'regimes' | 'backtest' | 'today' | 'tune' | 'periods' | 'compare' | 'method';

export interface ScreenDef {
  id: ScreenId;
  label: string;
  /** One sentence on what the screen is for (shown in the placeholder and as the nav tooltip). */
  summary: string;
  load?: () => Promise<{ default: Component }>;
}

export const SCREENS: readonly ScreenDef[] = [
  { id: 'data', label: 'Data', summary: 'Bring in price files, check them, and keep them as data sets in this browser.', load: () => import('./data/DataScreen.svelte') },
  { id: 'regimes', label: 'Regimes', summary: 'Bull and bear regimes of each factor’s active return, online and in-sample.', load: () => import('./regimes/RegimesScreen.svelte') },
  { id: 'backtest', label: 'Backtest', summary: 'Walk-forward backtest of the regime-aware allocation with a full tearsheet.', load: () => import('./backtest/BacktestScreen.svelte') },
  { id: 'today', label: 'Today', summary: 'The regimes, target weights and trades for the next close, from the latest data.', load: () => import('./today/TodayScreen.svelte') },
  { id: 'tune', label: 'Tune', summary: 'Search the jump penalty and feature sparsity, with live progress.', load: () => import('./tune/TuneScreen.svelte') },
  { id: 'periods', label: 'Periods', summary: 'One run’s metrics over calendar years and custom windows, against EW and the market.', load: () => import('./periods/PeriodsScreen.svelte') },
  { id: 'compare', label: 'Compare', summary: 'Two to four stored runs side by side: metrics with differences and intervals, settings, equity and drawdowns.', load: () => import('./compare/CompareScreen.svelte') },
  { id: 'method', label: 'Method', summary: 'The formulas and defaults, in plain words.', load: () => import('./method/MethodScreen.svelte') },
];

export function screenById(id: string): ScreenDef | undefined {
  return SCREENS.find((s) => s.id === id);
}
