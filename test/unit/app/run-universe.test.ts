// Fitting a run configuration to a data set (src/app/run/universe.ts): the data set's reference is
// filled in, missing tickers are replaced by the roles the person set, and every change is listed.
import { describe, it, expect } from 'vitest';
import { fitConfigToDataset, datasetRef, sameDataset } from '../../../src/app/run/universe.ts';
import { defaultConfig, validateConfig } from '../../../src/core/config.ts';
import type { Panel, PanelSeries, AssetRole } from '../../../src/core/data/panel.ts';

function panel(series: [string, AssetRole, 'price' | 'level'][]): Panel {
  const dates = ['2020-01-02', '2020-01-03', '2020-01-06'];
  return { dates, series: series.map(([ticker, role, kind]): PanelSeries => ({ ticker, role, kind, values: Float64Array.from([1, 2, 3]) })) };
}
const DEMO = panel([['SPY', 'market', 'price'], ['QUAL', 'factor', 'price'], ['MTUM', 'factor', 'price'], ['USMV', 'factor', 'price'],
  ['VLUE', 'factor', 'price'], ['SIZE', 'factor', 'price'], ['IWF', 'factor', 'price'], ['VIX', 'environment', 'level'], ['DGS2', 'environment', 'level'], ['DGS10', 'environment', 'level']]);

describe('fitConfigToDataset', () => {
  it('on the default universe only fills the data set reference, and is then a fixed point', () => {
    const ds = { id: 'a'.repeat(64), name: 'Demo', panel: DEMO };
    const { config, changes } = fitConfigToDataset(defaultConfig(), ds);
    expect(changes).toEqual([]);
    expect(config.dataset).toEqual({ id: 'a'.repeat(64), name: 'Demo', hash: 'a'.repeat(64), firstDate: '2020-01-02', lastDate: '2020-01-06' });
    expect({ ...config, dataset: null }).toEqual(defaultConfig());
    expect(fitConfigToDataset(config, ds).config).toBe(config);
    expect(validateConfig(config).ok).toBe(true);
  });

  it('replaces a missing market and factors by the data set\'s roles, and drops missing environment features', () => {
    const ds = { id: 'b'.repeat(64), name: 'Mine', panel: panel([['ACWI', 'market', 'price'], ['MTUM', 'factor', 'price'], ['EFV', 'factor', 'price'], ['XYZ', 'unused', 'price']]) };
    const { config, changes } = fitConfigToDataset(defaultConfig(), ds);
    expect(config.market).toBe('ACWI');
    // MTUM is kept (it is in both); the others are left out.
    expect(config.factors.map((f) => f.ticker)).toEqual(['MTUM']);
    expect(config.useEnvironment).toBe(false);
    expect(changes.join(' ')).toContain('Market SPY is not in “Mine”: using ACWI');
    expect(changes.join(' ')).toContain('Left out QUAL, USMV, VLUE, SIZE, IWF');
    expect(changes.join(' ')).toContain('running on the 14 return features');
    expect(validateConfig(config).ok).toBe(true);
  });

  it('uses every factor-role series when none of the configured factors is there, keeping per-factor settings of kept ones', () => {
    const ds = { id: 'c'.repeat(64), name: 'Other', panel: panel([['SPY', 'market', 'price'], ['EFV', 'factor', 'price'], ['EFG', 'factor', 'price']]) };
    const { config, changes } = fitConfigToDataset(defaultConfig(), ds);
    expect(config.factors.map((f) => f.ticker)).toEqual(['EFV', 'EFG']);
    expect(changes[0]).toContain('using its factor series EFV, EFG');
    const withSettings = { ...defaultConfig(), factors: [{ ticker: 'QUAL', jumpPenalty: 12 }, { ticker: 'NOPE' }] };
    const kept = fitConfigToDataset(withSettings, { id: 'd'.repeat(64), name: 'D', panel: DEMO }).config;
    expect(kept.factors).toEqual([{ ticker: 'QUAL', jumpPenalty: 12 }]);
  });

  it('without a data set, changes nothing', () => {
    const c = defaultConfig();
    expect(fitConfigToDataset(c, null)).toEqual({ config: c, changes: [] });
  });

  it('datasetRef and sameDataset match by content hash', () => {
    const ref = datasetRef({ id: 'e'.repeat(64), name: 'E', panel: DEMO });
    expect(sameDataset(ref, { id: 'e'.repeat(64) })).toBe(true);
    expect(sameDataset(ref, { id: 'f'.repeat(64) })).toBe(false);
    expect(sameDataset(null, { id: 'e'.repeat(64) })).toBe(false);
  });
});
