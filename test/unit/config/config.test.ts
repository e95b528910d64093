import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_CONFIG, defaultConfig, validateConfig, applyOverride, applyOverrides, describeConfig, resolveFactorModel,
  serializeConfig, penaltyMatrixFor, enabledStrategies, featureCount, refitEveryMonths, type RunConfig, type ConfigResult,
} from '../../../src/core/config.ts';

function ok(r: ConfigResult): RunConfig {
  if (!r.ok) throw new Error(`expected a valid configuration, got: ${r.errors.map((e) => e.message).join(' | ')}`);
  return r.config;
}
function errs(r: ConfigResult) {
  if (r.ok) throw new Error('expected validation errors, got a valid configuration');
  return r.errors;
}
const withField = (patch: (o: Record<string, unknown>) => void): unknown => {
  const o = JSON.parse(JSON.stringify(DEFAULT_CONFIG)) as Record<string, unknown>;
  patch(o);
  return o;
};

describe('defaults (method.md)', () => {
  it('the defaults are valid and are the method\'s values', () => {
    const c = ok(validateConfig(DEFAULT_CONFIG));
    expect(c).toEqual(DEFAULT_CONFIG);
    expect(c.version).toBe(1);
    expect(c.market).toBe('SPY');
    expect(c.factors.map((f) => f.ticker)).toEqual(['QUAL', 'MTUM', 'USMV', 'VLUE', 'SIZE', 'IWF']);
    expect(c.model).toEqual({ model: 'sjm', k: 2, jumpPenalty: 50, maxFeatures: 9.5, nInit: 10, seed: 0 });
    expect([c.trainMinYears, c.trainMaxYears, c.refitFrequency]).toEqual([8, 12, 'monthly']);
    expect([c.trackingErrorTarget, c.tau, c.riskAversion, c.covarianceHalflife]).toEqual([0.02, 0.05, 2.5, 126]);
    expect([c.costBps, c.benchmarkRebalance, c.riskFreeRate, c.longShortScale]).toEqual([5, 'quarterly', 0, 0.05]);
    expect(c.useEnvironment).toBe(true);
  });

  it('DEFAULT_CONFIG is frozen; defaultConfig() and validated results are independent copies', () => {
    expect(Object.isFrozen(DEFAULT_CONFIG)).toBe(true);
    expect(Object.isFrozen(DEFAULT_CONFIG.model)).toBe(true);
    const a = defaultConfig();
    a.model.jumpPenalty = 1;
    a.factors[0]!.jumpPenalty = 3;
    expect(DEFAULT_CONFIG.model.jumpPenalty).toBe(50);
    expect(DEFAULT_CONFIG.factors[0]!.jumpPenalty).toBeUndefined();
    const input = defaultConfig();
    const v = ok(validateConfig(input));
    v.tau = 0.9;
    expect(input.tau).toBe(0.05);
  });

  it('missing settings take their defaults', () => {
    expect(ok(validateConfig({ version: 1 }))).toEqual(DEFAULT_CONFIG);
    const c = ok(validateConfig({ version: 1, model: { jumpPenalty: 20 } }));
    expect(c.model).toEqual({ ...DEFAULT_CONFIG.model, jumpPenalty: 20 });
  });
});

describe('validateConfig: every invalid field is named with its value and the allowed range', () => {
  const numeric = describeConfig().filter((f) => (f.type === 'number' || f.type === 'integer') && !f.path.includes('<TICKER>'));

  it.each(numeric.map((f) => [f.path, f] as const))('%s above its maximum', (_path, f) => {
    const bad = f.max! + Math.max(1, Math.abs(f.max!));
    const raw = withField((o) => {
      const [a, b] = f.path.split('.');
      if (b) (o[a!] as Record<string, unknown>)[b] = bad; else o[a!] = bad;
    });
    const e = errs(validateConfig(raw));
    expect(e).toHaveLength(1);
    expect(e[0]!.field).toBe(f.path);
    expect(e[0]!.value).toBe(bad);
    // named as the form names it, the range in the unit people write (percent settings in percent)
    expect(e[0]!.message.startsWith(`${f.label}: `)).toBe(true);
    expect(e[0]!.message).toContain(f.percent ? `${Number((f.max! * 100).toPrecision(12))}%` : String(f.max));
    expect(e[0]!.allowed).toBe(f.allowed);
  });

  it('below-minimum, non-integer and wrong-type values', () => {
    let e = errs(validateConfig(withField((o) => { o.trackingErrorTarget = 0.005; })));
    expect(e[0]).toMatchObject({ field: 'trackingErrorTarget', value: 0.005, allowed: '0.01 to 0.04' });
    expect(e[0]!.message).toBe('Tracking-error target: 0.5% is out of range: allowed 1% to 4%');
    e = errs(validateConfig(withField((o) => { o.trackingErrorTarget = -0.02; })));
    expect(e[0]!.message).toBe('Tracking-error target: -2% is out of range: allowed 1% to 4%');
    e = errs(validateConfig(withField((o) => { o.trainMinYears = 0; })));
    expect(e[0]!.message).toBe('Minimum training years: 0 is out of range: allowed a whole number 1 to 30');
    e = errs(validateConfig(withField((o) => { (o.model as Record<string, unknown>).nInit = 2.5; })));
    expect(e[0]).toMatchObject({ field: 'model.nInit', value: 2.5 });
    expect(e[0]!.message).toContain('whole number');
    e = errs(validateConfig(withField((o) => { o.tau = '0.05'; })));
    expect(e[0]).toMatchObject({ field: 'tau', value: '0.05' });
    expect(e[0]!.message).toContain('finite number');
    e = errs(validateConfig(withField((o) => { o.useEnvironment = 'yes'; })));
    expect(e[0]).toMatchObject({ field: 'useEnvironment', value: 'yes' });
    e = errs(validateConfig(withField((o) => { o.refitFrequency = 'weekly'; })));
    expect(e[0]).toMatchObject({ field: 'refitFrequency', value: 'weekly', allowed: 'monthly | quarterly' });
    e = errs(validateConfig(withField((o) => { o.startDate = '2021-02-30'; })));
    expect(e[0]).toMatchObject({ field: 'startDate', value: '2021-02-30' });
    e = errs(validateConfig(withField((o) => { o.market = 'S P Y'; })));
    expect(e[0]).toMatchObject({ field: 'market', value: 'S P Y' });
    e = errs(validateConfig(withField((o) => { o.model = [1, 2]; })));
    expect(e[0]!.field).toBe('model');
  });

  it('reports several errors at once', () => {
    const e = errs(validateConfig(withField((o) => { o.tau = -1; o.costBps = 1e9; o.foo = 1; })));
    expect(e.map((x) => x.field).sort()).toEqual(['costBps', 'foo', 'tau']);
  });

  it('rejects unknown keys at every level', () => {
    expect(errs(validateConfig(withField((o) => { o.trackingError = 0.02; })))[0]).toMatchObject({ field: 'trackingError', value: 0.02 });
    expect(errs(validateConfig(withField((o) => { (o.model as Record<string, unknown>).lambda = 3; })))[0]!.field).toBe('model.lambda');
    expect(errs(validateConfig(withField((o) => { (o.factors as Record<string, unknown>[])[1]!.penalty = 3; })))[0]!.field).toBe('factors.MTUM.penalty');
    expect(errs(validateConfig(withField((o) => { o.dataset = { id: 'a', name: 'b', hash: 'c', firstDate: '2020-01-01', lastDate: '2021-01-01', x: 1 }; })))[0]!.field).toBe('dataset.x');
  });

  it('cross-field rules', () => {
    expect(errs(validateConfig(withField((o) => { o.trainMinYears = 13; })))[0]!.field).toBe('trainMinYears');
    expect(errs(validateConfig(withField((o) => { o.startDate = '2020-01-01'; o.endDate = '2019-01-01'; })))[0]!.field).toBe('endDate');
    expect(errs(validateConfig(withField((o) => { o.strategies = { symmetric: false, asymmetric: false }; })))[0]!.field).toBe('strategies');
    expect(errs(validateConfig(withField((o) => { o.factors = ['QUAL', 'qual']; })))[0]!.message).toContain('listed twice');
    expect(errs(validateConfig(withField((o) => { o.factors = ['SPY']; })))[0]!.message).toContain('is the market');
    const kappa = errs(validateConfig(withField((o) => { o.useEnvironment = false; (o.model as Record<string, unknown>).maxFeatures = 15; })));
    expect(kappa[0]).toMatchObject({ field: 'model.maxFeatures', value: 15, allowed: '1 to 14' });
    expect(ok(validateConfig(withField((o) => { o.useEnvironment = false; (o.model as Record<string, unknown>).maxFeatures = 14; }))).model.maxFeatures).toBe(14);
    const pm = errs(validateConfig(withField((o) => { (o.factors as Record<string, unknown>[])[0]!.penaltyMatrix = [[0, 1, 2], [1, 0, 2], [3, 4, 0]]; })));
    expect(pm[0]!.field).toBe('factors.QUAL.penaltyMatrix');
    const diag = errs(validateConfig(withField((o) => { (o.factors as Record<string, unknown>[])[0]!.penaltyMatrix = [[1, 1], [1, 0]]; })));
    expect(diag[0]!.field).toBe('factors.QUAL.penaltyMatrix[0][0]');
    const sched = errs(validateConfig(withField((o) => {
      (o.factors as Record<string, unknown>[])[0]!.schedule = [{ from: '2020-06-01', jumpPenalty: 10 }, { from: '2020-01-02', jumpPenalty: 20 }];
    })));
    expect(sched[0]!.field).toBe('factors.QUAL.schedule[1].from');
  });

  it('unknown, missing and mistyped versions are refused before anything else', () => {
    for (const v of [2, 0, '1', null, 1.5]) {
      const e = errs(validateConfig({ ...DEFAULT_CONFIG, version: v }));
      expect(e).toHaveLength(1);
      expect(e[0]!.field).toBe('version');
      expect(e[0]!.value).toBe(v);
    }
    expect(errs(validateConfig({ market: 'SPY' }))[0]!.message).toContain('version is missing');
  });
});

describe('validateConfig on hostile input (share links from URLs)', () => {
  it('__proto__, constructor and prototype keys are plain errors and pollute nothing', () => {
    const payloads = [
      '{"version":1,"__proto__":{"polluted":1}}',
      '{"version":1,"model":{"__proto__":{"polluted":1}}}',
      '{"version":1,"constructor":{"prototype":{"polluted":1}}}',
      '{"version":1,"factors":[{"ticker":"QUAL","__proto__":{"polluted":1}}]}',
      '{"version":1,"dataset":{"__proto__":{"polluted":1},"id":"a","name":"b","hash":"c","firstDate":"2020-01-01","lastDate":"2021-01-01"}}',
      '{"version":1,"factors":[{"ticker":"QUAL","schedule":[{"from":"2020-01-01","__proto__":{"polluted":1}}]}]}',
    ];
    for (const p of payloads) {
      const r = validateConfig(JSON.parse(p));
      expect(r.ok).toBe(false);
      expect(errs(r).some((e) => /__proto__|constructor/.test(e.field))).toBe(true);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('huge numbers, NaN, Infinity, deep and huge structures do not throw', () => {
    for (const v of [1e308, -1e308, Number.MAX_SAFE_INTEGER * 4, NaN, Infinity, -Infinity]) {
      const r = validateConfig(withField((o) => { o.costBps = v; }));
      expect(r.ok).toBe(false);
      expect(errs(r)[0]!.field).toBe('costBps');
    }
    const huge = validateConfig(withField((o) => { o.factors = Array.from({ length: 100000 }, (_, i) => `F${i}`); }));
    expect(errs(huge)[0]!.field).toBe('factors');
    let deep: unknown = 1;
    for (let i = 0; i < 10000; i++) deep = { a: deep };
    expect(validateConfig(withField((o) => { o.model = deep; })).ok).toBe(false);
    const many = validateConfig(Object.fromEntries([['version', 1], ...Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])]));
    expect(errs(many).length).toBeLessThanOrEqual(51);
  });

  it('non-objects, class instances, throwing getters and proxies give errors, never exceptions', () => {
    for (const v of [null, undefined, 42, 'x', [], [DEFAULT_CONFIG], new Date(), () => 1, Symbol('s')]) {
      expect(validateConfig(v).ok).toBe(false);
    }
    const trap = new Proxy({}, { ownKeys() { throw new Error('trap'); }, getPrototypeOf() { return Object.prototype; }, getOwnPropertyDescriptor() { throw new Error('trap'); } });
    expect(validateConfig(trap).ok).toBe(false);
    const getter = { version: 1, get tau() { throw new Error('boom'); } };
    const r = validateConfig(getter);
    expect(r.ok).toBe(false);
    expect(errs(r)[0]!.message).toContain('could not be read');
  });

  it('property: any JSON value gives ok or errors with string fields, and never throws (fast-check)', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const r = validateConfig(v);
      if (r.ok) expect(r.config.version).toBe(1);
      else for (const e of r.errors) { expect(typeof e.field).toBe('string'); expect(typeof e.message).toBe('string'); }
    }), { numRuns: 500, seed: 42 });
  });

  it('property: a default config with one setting replaced by an arbitrary value never throws', () => {
    const keys = Object.keys(DEFAULT_CONFIG);
    fc.assert(fc.property(fc.constantFrom(...keys), fc.anything({ withNullPrototype: true, withObjectString: true }), (k, v) => {
      const raw = withField((o) => { o[k] = v; });
      const r = validateConfig(raw);
      expect(typeof r.ok).toBe('boolean');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }), { numRuns: 500, seed: 7 });
  });
});

describe('applyOverride (the CLI --set)', () => {
  const base = DEFAULT_CONFIG;
  it('sets scalars by dotted path, parsing per the field type', () => {
    expect(ok(applyOverride(base, 'trainMinYears=5')).trainMinYears).toBe(5);
    expect(ok(applyOverride(base, 'model.jumpPenalty=30')).model.jumpPenalty).toBe(30);
    expect(ok(applyOverride(base, 'trackingErrorTarget=3%')).trackingErrorTarget).toBeCloseTo(0.03, 15);
    expect(ok(applyOverride(base, 'trackingErrorTarget = 0.025')).trackingErrorTarget).toBe(0.025);
    expect(ok(applyOverride(base, 'useEnvironment=false')).useEnvironment).toBe(false);
    expect(ok(applyOverride(base, 'strategies.asymmetric=no')).strategies).toEqual({ symmetric: true, asymmetric: false });
    expect(ok(applyOverride(base, 'benchmarkRebalance=monthly')).benchmarkRebalance).toBe('monthly');
    expect(ok(applyOverride(base, 'startDate=2015-01-02')).startDate).toBe('2015-01-02');
    expect(ok(applyOverride(ok(applyOverride(base, 'startDate=2015-01-02')), 'startDate=')).startDate).toBeNull();
    // Tickers keep the spelling given (data sets keep their files' names, such as Mkt-RF); every
    // lookup is case-insensitive.
    expect(ok(applyOverride(base, 'market=voo')).market).toBe('voo');
    expect(base.trainMinYears).toBe(8); // the input is never modified
  });

  it('per-factor overrides, factor lists and JSON-valued settings', () => {
    const c = ok(applyOverride(base, 'factors.QUAL.jumpPenalty=30'));
    expect(c.factors[0]).toEqual({ ticker: 'QUAL', jumpPenalty: 30 });
    expect(ok(applyOverride(base, 'factors.qual.maxFeatures=4')).factors[0]).toEqual({ ticker: 'QUAL', maxFeatures: 4 });
    const kept = ok(applyOverride(c, 'factors=MTUM,QUAL'));
    expect(kept.factors).toEqual([{ ticker: 'MTUM' }, { ticker: 'QUAL', jumpPenalty: 30 }]);
    expect(ok(applyOverride(c, 'factors.QUAL.jumpPenalty=')).factors[0]).toEqual({ ticker: 'QUAL' });
    const pm = ok(applyOverride(base, 'factors.MTUM.penaltyMatrix=[[0,20],[80,0]]'));
    expect(pm.factors[1]!.penaltyMatrix).toEqual([[0, 20], [80, 0]]);
    const sc = ok(applyOverride(base, 'factors.MTUM.schedule=[{"from":"2020-01-02","jumpPenalty":10}]'));
    expect(sc.factors[1]!.schedule).toEqual([{ from: '2020-01-02', jumpPenalty: 10 }]);
    const ds = ok(applyOverride(base, 'dataset={"id":"x1","name":"demo","hash":"sha256:ab","firstDate":"2013-01-02","lastDate":"2024-12-31"}'));
    expect(ds.dataset?.name).toBe('demo');
    expect(ok(applyOverride(ds, 'dataset=null')).dataset).toBeNull();
    expect(ok(applyOverrides(base, ['trainMinYears=5', 'costBps=10'])).costBps).toBe(10);
  });

  it('bad assignments are errors naming the key (and never reach a prototype)', () => {
    const cases: [string, string][] = [
      ['trainMinYears=abc', 'trainMinYears'], ['trainMinYears=0x10', 'trainMinYears'], ['trainMinYears=40', 'trainMinYears'],
      ['trackingErrorTarget=0.5', 'trackingErrorTarget'], ['noSuchKey=1', 'noSuchKey'], ['factors.XYZ.jumpPenalty=3', 'factors.XYZ.jumpPenalty'],
      ['factors.QUAL.foo=1', 'factors.QUAL.foo'], ['useEnvironment=maybe', 'useEnvironment'], ['version=2', 'version'],
      ['__proto__.polluted=1', '__proto__.polluted'], ['constructor.prototype.polluted=1', 'constructor.prototype.polluted'],
      ['factors.__proto__.polluted=1', 'factors.__proto__.polluted'], ['model.__proto__=1', 'model.__proto__'],
      ['factors.QUAL.penaltyMatrix=[[0,1]', 'factors.QUAL.penaltyMatrix'],
    ];
    for (const [a, field] of cases) {
      const e = errs(applyOverride(base, a));
      expect(e[0]!.field, a).toBe(field);
    }
    expect(errs(applyOverride(base, 'novalue'))[0]!.message).toContain('key=value');
    expect(errs(applyOverride(base, 'trainMinYears=13'))[0]!.message).toContain('maximum training years (12)');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('every described field accepts its own default back (describeConfig ↔ --set round trip)', () => {
    for (const f of describeConfig()) {
      if (f.path.includes('<TICKER>') || f.type === 'dataset') continue;
      const text = f.default === null ? '' : String(f.default);
      const c = ok(applyOverride(base, `${f.path}=${text}`));
      expect(c, f.path).toEqual(DEFAULT_CONFIG);
    }
  });
});

describe('describeConfig', () => {
  it('covers every setting with a label, description, default and allowed range', () => {
    const rows = describeConfig();
    const paths = new Set(rows.map((r) => r.path));
    const leaves = (o: Record<string, unknown>, p = ''): string[] => Object.entries(o).flatMap(([k, v]) =>
      v && typeof v === 'object' && !Array.isArray(v) ? leaves(v as Record<string, unknown>, `${p}${k}.`) : [`${p}${k}`]);
    for (const leaf of leaves(DEFAULT_CONFIG as unknown as Record<string, unknown>)) {
      if (leaf === 'version') continue;
      expect(paths.has(leaf), leaf).toBe(true);
    }
    for (const r of rows) {
      expect(r.label.length, r.path).toBeGreaterThan(0);
      expect(r.description.length, r.path).toBeGreaterThan(10);
      expect(r.allowed.length, r.path).toBeGreaterThan(0);
      if (r.type === 'number' || r.type === 'integer') expect(r.min! <= r.max!).toBe(true);
    }
    expect(rows.find((r) => r.path === 'trackingErrorTarget')).toMatchObject({ default: 0.02, min: 0.01, max: 0.04 });
  });
});

describe('turnover controls (method.md §12): off by default, old configurations keep loading', () => {
  it('defaults: trade daily, no band, no penalty', () => {
    expect([DEFAULT_CONFIG.rebalance, DEFAULT_CONFIG.noTradeBand, DEFAULT_CONFIG.tradePenalty]).toEqual(['daily', 0, 0]);
  });

  it('a stored configuration written before the fields existed loads with them at their defaults', () => {
    const old = withField((o) => { delete o.rebalance; delete o.noTradeBand; delete o.tradePenalty; o.costBps = 10; });
    const c = ok(validateConfig(old));
    expect([c.rebalance, c.noTradeBand, c.tradePenalty, c.costBps]).toEqual(['daily', 0, 0, 10]);
    // And the canonical form now carries them, after benchmarkRebalance.
    expect(serializeConfig(c)).toContain('"benchmarkRebalance":"quarterly","rebalance":"daily","noTradeBand":0,"tradePenalty":0,');
  });

  it('--set takes them (percent-like numbers accept "1%"); bad values are errors naming the field and the allowed range', () => {
    const c = ok(applyOverrides(DEFAULT_CONFIG, ['rebalance=weekly', 'noTradeBand=1%', 'tradePenalty=0.005']));
    expect([c.rebalance, c.noTradeBand, c.tradePenalty]).toEqual(['weekly', 0.01, 0.005]);
    expect(ok(applyOverride(DEFAULT_CONFIG, 'rebalance=monthly')).rebalance).toBe('monthly');
    for (const [a, allowed] of [['rebalance=hourly', 'daily | weekly | monthly'], ['noTradeBand=-0.1', '0% to 100%'], ['noTradeBand=2', '0% to 100%'], ['tradePenalty=abc', '0 to 1']] as const) {
      const e = errs(applyOverride(DEFAULT_CONFIG, a))[0]!;
      expect(e.field).toBe(a.split('=')[0]);
      expect(e.message).toContain(allowed);
    }
    // The EW benchmark's rebalancing stays its own setting.
    expect(ok(applyOverride(DEFAULT_CONFIG, 'rebalance=weekly')).benchmarkRebalance).toBe('quarterly');
  });

  it('the form shows them in the execution group with labels and units', () => {
    const rows = describeConfig();
    expect(rows.find((r) => r.path === 'rebalance')).toMatchObject({ group: 'execution', type: 'enum', options: ['daily', 'weekly', 'monthly'], default: 'daily', label: 'Strategy trading days' });
    expect(rows.find((r) => r.path === 'noTradeBand')).toMatchObject({ group: 'execution', type: 'number', min: 0, max: 1, default: 0, percent: true, unit: 'one-way share of the portfolio, decimal' });
    expect(rows.find((r) => r.path === 'tradePenalty')).toMatchObject({ group: 'execution', type: 'number', min: 0, max: 1, default: 0, label: 'Trade penalty γ', unit: 'annual return per unit traded, decimal' });
  });
});

describe('resolution for the backtest', () => {
  it('symmetric and asymmetric penalty matrices (K = 2: Λ[bull, bear] = enter)', () => {
    const s = resolveFactorModel(DEFAULT_CONFIG, 'QUAL', 'symmetric');
    expect(Array.from(s.penaltyMatrix)).toEqual([0, 50, 50, 0]);
    expect(s.jumpPenalty).toBe(50);
    expect(s.maxFeatures).toBe(9.5);
    const a = resolveFactorModel(DEFAULT_CONFIG, 'QUAL', 'asymmetric');
    expect(Array.from(a.penaltyMatrix)).toEqual([0, 25, 75, 0]);
    expect(a.jumpPenalty).toBeNull();
    expect(Array.from(penaltyMatrixFor(3, 1, 2))).toEqual([0, 1, 1, 2, 0, 1, 2, 2, 0]);
  });

  it('per-factor values override the defaults; the schedule entry in force overrides both', () => {
    let c = ok(applyOverride(DEFAULT_CONFIG, 'factors.MTUM.jumpPenalty=30'));
    c = ok(applyOverride(c, 'factors.MTUM.schedule=[{"from":"2020-01-02","jumpPenalty":10,"maxFeatures":3},{"from":"2021-01-04","jumpPenaltyEnter":5}]'));
    expect(resolveFactorModel(c, 'MTUM', 'symmetric').jumpPenalty).toBe(30);
    expect(resolveFactorModel(c, 'MTUM', 'symmetric', '2019-12-31').jumpPenalty).toBe(30);
    const mid = resolveFactorModel(c, 'mtum', 'symmetric', '2020-01-02');
    expect([mid.jumpPenalty, mid.maxFeatures]).toEqual([10, 3]);
    expect(Array.from(resolveFactorModel(c, 'MTUM', 'asymmetric', '2021-06-01').penaltyMatrix)).toEqual([0, 5, 75, 0]);
    expect(resolveFactorModel(c, 'QUAL', 'symmetric', '2021-06-01').jumpPenalty).toBe(50);
    const pm = ok(applyOverride(DEFAULT_CONFIG, 'factors.QUAL.penaltyMatrix=[[0,7],[9,0]]'));
    expect(Array.from(resolveFactorModel(pm, 'QUAL', 'asymmetric').penaltyMatrix)).toEqual([0, 7, 9, 0]);
    expect(() => resolveFactorModel(DEFAULT_CONFIG, 'XYZ', 'symmetric')).toThrow(/not a factor/);
  });

  it('helpers', () => {
    expect(enabledStrategies(DEFAULT_CONFIG)).toEqual(['symmetric', 'asymmetric']);
    expect(featureCount(DEFAULT_CONFIG)).toBe(17);
    expect(featureCount(ok(applyOverride(DEFAULT_CONFIG, 'useEnvironment=false')))).toBe(14);
    expect(refitEveryMonths(DEFAULT_CONFIG)).toBe(1);
    expect(refitEveryMonths(ok(applyOverride(DEFAULT_CONFIG, 'refitFrequency=quarterly')))).toBe(3);
  });

  it('serializeConfig is canonical: key order of the input does not matter', () => {
    const shuffled = Object.fromEntries(Object.entries(JSON.parse(JSON.stringify(DEFAULT_CONFIG)) as Record<string, unknown>).reverse());
    expect(serializeConfig(shuffled as unknown as RunConfig)).toBe(serializeConfig(DEFAULT_CONFIG));
    expect(JSON.parse(serializeConfig(DEFAULT_CONFIG))).toEqual(DEFAULT_CONFIG);
  });
});
