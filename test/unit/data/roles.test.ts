// Roles: defaults for the default universe, user overrides, one market at most.
import { describe, it, expect } from 'vitest';
import { assignDefaultRoles, resolveRoles } from '../../../src/core/data/roles.ts';
import { buildPanel } from '../../../src/core/data/align.ts';
import { series, weekdays } from './helpers.ts';

describe('roles', () => {
  it('defaults: SPY market; six factors; VIX DGS2 DGS10 environment; anything else unused', () => {
    const t = ['SPY', 'QUAL', 'MTUM', 'USMV', 'VLUE', 'SIZE', 'IWF', 'VIX', 'DGS2', 'DGS10', 'ARKK'];
    expect(assignDefaultRoles(t)).toEqual({
      SPY: 'market', QUAL: 'factor', MTUM: 'factor', USMV: 'factor', VLUE: 'factor', SIZE: 'factor', IWF: 'factor',
      VIX: 'environment', DGS2: 'environment', DGS10: 'environment', ARKK: 'unused',
    });
  });

  it('overrides by ticker in any case (vixcls means VIX); a new market demotes SPY', () => {
    const r = assignDefaultRoles(['SPY', 'QUAL', 'VIX', 'ACWI'], { acwi: 'market', Qual: 'unused', vixcls: 'unused' });
    expect(r).toEqual({ SPY: 'unused', QUAL: 'unused', VIX: 'unused', ACWI: 'market' });
  });

  it('two markets asked for: the first keeps it, the other is told', () => {
    const { roles, notes } = resolveRoles(['SPY', 'ACWI', 'VT'], { ACWI: 'market', VT: 'market' });
    expect(roles).toEqual({ SPY: 'unused', ACWI: 'market', VT: 'unused' });
    expect(notes.find((n) => n.ticker === 'VT')).toMatchObject({ severity: 'warning', action: 'VT set to unused' });
  });

  it('a level cannot be the market or a factor; unknown tickers and roles are reported', () => {
    const { roles, notes } = resolveRoles(['SPY', 'VIX'], { VIX: 'factor', XYZ: 'factor', SPY: 'boss' as never }, { VIX: 'level', SPY: 'price' });
    expect(roles).toEqual({ SPY: 'market', VIX: 'environment' });
    expect(notes.map((n) => n.severity)).toEqual(['warning', 'warning', 'error']);
  });

  it('options.roles reach the panel through buildPanel, with the notes in its report', () => {
    const D = weekdays('2024-01-01', 5);
    const { panel, report } = buildPanel([series('SPY', D, [1, 2, 3, 4, 5]), series('IWF', D, [5, 4, 3, 2, 1])], { roles: { IWF: 'market' } });
    expect(panel!.series.map((s) => [s.ticker, s.role])).toEqual([['IWF', 'market'], ['SPY', 'unused']]);
    expect(report!.issues.some((i) => /IWF was chosen as the market/.test(i.message))).toBe(true);
  });
});
