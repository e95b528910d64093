// How regimes look on screen (Look and feel): a colour-blind-safe colour per state
// (Okabe-Ito bluish green for bull, vermillion for bear, global.css --bull / --bear) AND a fill
// pattern and a name, so that no chart relies on colour alone. States are ordered bull (0) … bear
// (K − 1) everywhere (method.md §3). Display only: grouping labels into runs is not finance.
import { stateName } from '../../core/regime/names.ts';

export type PatternKind = 'none' | 'hatch' | 'dots' | 'cross' | 'backhatch';

export interface StateLook {
  state: number;
  name: string;
  color: string;
  pattern: PatternKind;
}

function cssVar(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** The look of state `s` of K (bull plain green, bear hatched vermillion, others their own). */
export function stateLook(s: number, K: number): StateLook {
  const name = stateName(s, K);
  if (s === 0) return { state: s, name, color: cssVar('--bull', '#009e73'), pattern: 'none' };
  if (s === K - 1) return { state: s, name, color: cssVar('--bear', '#d55e00'), pattern: 'hatch' };
  const mids: [string, string, PatternKind][] = [['--oi-sky', '#56b4e9', 'dots'], ['--oi-purple', '#cc79a7', 'cross'], ['--oi-orange', '#e69f00', 'backhatch'], ['--oi-yellow', '#f0e442', 'dots']];
  const m = mids[(s - 1) % mids.length]!;
  return { state: s, name, color: cssVar(m[0], m[1]), pattern: m[2] };
}

export function stateLooks(K: number): StateLook[] {
  return Array.from({ length: K }, (_, s) => stateLook(s, K));
}

/** A run of equal labels: days [from, to) in state `state`. */
export interface Band {
  from: number;
  to: number;
  state: number;
}

/**
 * Runs of equal, present labels (null, undefined and negative labels end a run and start none),
 * indices shifted by `offset`. The bands behind a chart.
 */
export function labelRuns(labels: ArrayLike<number | null | undefined>, offset = 0): Band[] {
  const out: Band[] = [];
  let cur: Band | null = null;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    const ok = l !== null && l !== undefined && l >= 0;
    if (cur && (!ok || l !== cur.state)) { out.push(cur); cur = null; }
    if (ok && !cur) cur = { from: i + offset, to: i + offset + 1, state: l };
    else if (cur) cur.to = i + offset + 1;
  }
  if (cur) out.push(cur);
  return out;
}

/** `#rrggbb` with an alpha. */
export function rgba(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return hex;
  const n = parseInt(m[1]!, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/**
 * A canvas fill for a state: its colour, light, with its pattern drawn over it in a darker tone.
 * `ctx` is only used to create the pattern.
 */
export function statePattern(ctx: CanvasRenderingContext2D, look: StateLook, alpha = 0.16): CanvasPattern | string {
  const base = rgba(look.color, alpha);
  if (look.pattern === 'none' || typeof document === 'undefined') return base;
  const size = 8;
  const c = document.createElement('canvas');
  c.width = size;
  c.height = size;
  const p = c.getContext('2d');
  if (!p) return base;
  p.fillStyle = base;
  p.fillRect(0, 0, size, size);
  p.strokeStyle = rgba(look.color, Math.min(1, alpha * 3.5));
  p.fillStyle = rgba(look.color, Math.min(1, alpha * 3.5));
  p.lineWidth = 1.2;
  const line = (x0: number, y0: number, x1: number, y1: number) => { p.beginPath(); p.moveTo(x0, y0); p.lineTo(x1, y1); p.stroke(); };
  switch (look.pattern) {
    case 'hatch': line(0, size, size, 0); line(-size / 2, size / 2, size / 2, -size / 2); line(size / 2, size * 1.5, size * 1.5, size / 2); break;
    case 'backhatch': line(0, 0, size, size); line(-size / 2, size / 2, size / 2, size * 1.5); line(size / 2, -size / 2, size * 1.5, size / 2); break;
    case 'cross': line(0, size / 2, size, size / 2); line(size / 2, 0, size / 2, size); break;
    case 'dots': p.beginPath(); p.arc(size / 2, size / 2, 1.3, 0, Math.PI * 2); p.fill(); break;
  }
  return ctx.createPattern(c, 'repeat') ?? base;
}

/** The same pattern as a CSS background, for legends and table swatches. */
export function stateSwatchCss(look: StateLook): string {
  const c = look.color;
  const light = rgba(c, 0.2);
  const dark = rgba(c, 0.7);
  switch (look.pattern) {
    case 'hatch': return `repeating-linear-gradient(-45deg, ${dark} 0 2px, ${light} 2px 6px)`;
    case 'backhatch': return `repeating-linear-gradient(45deg, ${dark} 0 2px, ${light} 2px 6px)`;
    case 'cross': return `repeating-linear-gradient(0deg, ${dark} 0 1px, transparent 1px 6px), repeating-linear-gradient(90deg, ${dark} 0 1px, ${light} 1px 6px)`;
    case 'dots': return `radial-gradient(${dark} 1.2px, ${light} 1.4px) 0 0 / 6px 6px`;
    default: return rgba(c, 0.35);
  }
}
