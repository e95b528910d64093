// How the app writes a setting's allowed range and default (the settings form and the Method
// screen's table): percent settings in percent ("1% to 4%", "2%"), as they are typed in the form;
// numbers with thousands separators; dates as the date fields take them.
import type { ConfigFieldInfo } from '../../core/config.ts';
import { DATE_INPUT_HELP, formatMessage, formatNumber, formatPercentExact, MISSING } from '../format.ts';

/** A setting's number with thousands separators and the decimals it has: 2520 → "2,520", 0.001 → "0.001". */
function exact(x: number): string {
  const decimals = /\.(\d+)$/.exec(String(x))?.[1]?.length ?? 0;
  return formatNumber(x, Math.min(decimals, 10));
}

export function settingAllowed(f: ConfigFieldInfo): string {
  if ((f.type === 'number' || f.type === 'integer') && f.min !== undefined && f.max !== undefined) {
    const show = f.percent ? formatPercentExact : exact;
    return `${f.type === 'integer' ? 'a whole number ' : ''}${show(f.min)} to ${show(f.max)}`;
  }
  if (f.type === 'date') return `a date (${DATE_INPUT_HELP.replace(/^write it as /, '')}), or empty`;
  return formatMessage(f.allowed);
}

export function settingDefault(f: ConfigFieldInfo): string {
  const v = f.default;
  if (v === null || v === undefined || v === '') return MISSING;
  if (typeof v === 'number') return f.percent ? formatPercentExact(v) : exact(v);
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  return formatMessage(String(v));
}

/** The unit beside a setting's label: percent settings are typed in percent, so not "decimal". */
export function settingUnit(f: ConfigFieldInfo): string {
  if (!f.unit || f.unit === 'date' || f.unit === 'ticker') return '';
  return f.percent ? f.unit.replace(/,?\s*decimal\b/, '').trim() : f.unit;
}
