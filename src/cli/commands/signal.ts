// `cli signal`: the signal a daily rebalancer acts on (method.md §6 timing, §12): with the data
// through the last close T, each factor's regime, the target weights to trade at the close of the
// next trading day, what changed, and — with --holdings — the trades. It is the backtest's own
// decision at T (core signal.ts reads it from the result), through the pipeline: with --cache DIR a
// daily update refits nothing until the next month's refit.
import { readFileSync, existsSync } from 'node:fs';
import { CliError, expandMultiValues, parseCli } from '../args.ts';
import { CliPipeline, PIPELINE_HELP, PIPELINE_OPTIONS, loadRun, loadRunConfig } from '../run-pipeline.ts';
import { signalFromResult, parseHoldings, withTrades, lastPrices, HoldingsError, type Signal } from '../../core/signal.ts';
import type { StrategyKind } from '../../core/config.ts';
import { textTable } from '../../core/backtest/report.ts';
import { formatMetric } from '../../core/metrics/performance.ts';

export const help = `Usage: npm run -s cli -- signal --data FILE_OR_DIR... [--config run.json] [--set key=value ...]
         [--holdings H.csv] [--strategy symmetric|asymmetric] [--json] [--workers N] [--cache DIR]

The state as of the last close T in the data: per factor the online regime, since when, its expected
active return, the last refit and when the next is due; the Black-Litterman target weights to trade at
the close of the next trading day (method §6: decided from data through T), the ex-ante tracking
error and the view confidence, and the change since the previous day's and the last refit's target.
Exactly what the backtest of the same data and configuration would trade next.

  --data FILE_OR_DIR...  price files or folders of them, or "demo"
  --config run.json      a run configuration (a tuned one from cli tune --config-out, or a share link's)
  --set key=value ...    override single settings
  --holdings H.csv       what is held now: "ticker,weight" (0.25 or 25%) or "ticker,units[,price]"
                         (prices default to the last close in the data); adds the trade list, its
                         turnover and its cost at costBps
  --strategy S           symmetric (default when on) or asymmetric
  --json                 print {asOf, tradeOn, factors: {TICKER: {regime, since, expectedActiveReturn, …}},
                         targetWeights, trades (with --holdings), …}
${PIPELINE_HELP}

Exit codes: 0 ok, 2 bad input or unusable data.`;

/** A fraction as a percent, "—" when missing or not finite (an expected return before any refit). */
const pct = (x: number | null | undefined, d = 2) => formatMetric(Number.isFinite(x) ? x! : null, 'percent', d);

export function signalText(s: Signal): string {
  const lines: string[] = [];
  lines.push(`Signal as of the close of ${s.asOf}${s.dataset ? ` (${s.dataset.name})` : ''}, ${s.strategy} strategy: trade at the close of ${s.tradeOn}.`);
  lines.push('');
  lines.push(textTable(['factor', 'regime', 'since', 'days', 'expected active', 'last refit', 'its regime', 'next refit'],
    Object.entries(s.factors).map(([t, f]) => [t, f.regime, f.since, String(f.days), pct(f.expectedActiveReturn), f.lastRefit?.date ?? '—', f.lastRefit?.regime ?? '—', f.nextRefit])));
  lines.push('');
  const head = ['asset', 'target', 'vs previous day', 'vs last refit'];
  if (s.trades) head.push('current', 'trade');
  lines.push(textTable(head, Object.entries(s.targetWeights).map(([t, w]) => {
    const row = [t, pct(w), pct(s.changeSincePrevious?.[t]), pct(s.changeSinceLastRefit?.[t])];
    if (s.trades) { const tr = s.trades.find((x) => x.ticker === t)!; row.push(pct(tr.current), `${tr.trade >= 0 ? '+' : ''}${pct(tr.trade)}${tr.units !== undefined ? ` (${tr.units >= 0 ? '+' : ''}${tr.units.toFixed(2)} units)` : ''}`); }
    return row;
  })));
  lines.push('');
  lines.push(`Ex-ante tracking error ${pct(s.exAnteTrackingError)} (target ${s.trackingErrorStatus === 'ok' ? 'met' : `out of reach, ${s.trackingErrorStatus}`}), view confidence ${s.confidence.toPrecision(3)}.`);
  if (s.trades) lines.push(`Trades: turnover ${pct(s.turnover)} (one way ${pct(s.oneWayDistance)}), cost ${pct(s.cost, 3)} of the portfolio.`);
  for (const n of s.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCli(expandMultiValues(argv, ['data', 'set']), {
    data: { type: 'string', multiple: true }, config: { type: 'string' }, set: { type: 'string', multiple: true },
    holdings: { type: 'string' }, strategy: { type: 'string' }, json: { type: 'boolean' }, ...PIPELINE_OPTIONS,
  });
  const strategy = values.strategy as StrategyKind | undefined;
  if (strategy !== undefined && strategy !== 'symmetric' && strategy !== 'asymmetric') throw new CliError(`--strategy must be symmetric or asymmetric, got "${values.strategy}"`);
  if (values.holdings !== undefined && !existsSync(values.holdings)) throw new CliError(`--holdings ${values.holdings}: no such file`);
  const say = (s: string) => console.error(s);
  const { data, hash, config } = await loadRun(values.data ?? [], loadRunConfig(values.config, values.set), say);
  if (strategy && !config.strategies[strategy]) throw new CliError(`--strategy ${strategy}: that strategy is off in the configuration; turn it on with --set strategies.${strategy}=true`);
  const pipeline = new CliPipeline(data.panel, hash, values);
  let signal: Signal;
  try {
    // With --strategy only that strategy is run: the strategies are independent, so its decision is
    // the same as in a run of both, without fitting the other's models.
    const result = await pipeline.run(strategy ? { ...config, strategies: { symmetric: strategy === 'symmetric', asymmetric: strategy === 'asymmetric' } } : config);
    signal = signalFromResult(result, strategy);
    if (values.holdings !== undefined) {
      try {
        signal = withTrades(signal, parseHoldings(readFileSync(values.holdings, 'utf8'), result.tickers, lastPrices(data.panel, result.tickers)), config.costBps);
      } catch (e) {
        if (e instanceof HoldingsError) throw new CliError(`${values.holdings}: ${e.message}`);
        throw e;
      }
    }
    const st = result.runStats;
    console.error(`signal: ${st.fitsComputed} models fitted, ${st.fitsFromCache} from the cache (${(st.wallMs / 1000).toFixed(1)} s on ${st.workers} workers)`);
  } finally {
    await pipeline.close();
  }
  console.log(values.json ? JSON.stringify(signal, null, 2) : signalText(signal));
  return 0;
}
