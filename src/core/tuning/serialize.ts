// JSON for studies and selections (the `cli tune --out study.json` file, exports): typed arrays and
// non-finite numbers do not survive JSON.stringify, so they are tagged and restored exactly.
//   Float64Array → { "$f64": [numbers, null for NaN, "Infinity"/"-Infinity"] }
//   Int8Array    → { "$i8": [numbers] }
//   NaN / ±Infinity outside arrays → { "$num": "NaN" | "Infinity" | "-Infinity" }
import type { StudyState } from './types.ts';

const nonFinite = (v: number): string => (Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');

function encode(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $num: nonFinite(value) };
  if (value instanceof Float64Array) {
    const out = new Array<number | string | null>(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = value[i]!;
      out[i] = Number.isFinite(v) ? v : Number.isNaN(v) ? null : nonFinite(v);
    }
    return { $f64: out };
  }
  if (value instanceof Int8Array) return { $i8: Array.from(value) };
  if (Array.isArray(value)) return value.map(encode);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = encode(v);
    return out;
  }
  return value;
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (Array.isArray(o.$f64)) {
      const a = o.$f64 as (number | string | null)[];
      const x = new Float64Array(a.length);
      for (let i = 0; i < a.length; i++) {
        const v = a[i];
        x[i] = v === null ? NaN : typeof v === 'string' ? Number(v) : (v as number);
      }
      return x;
    }
    if (Array.isArray(o.$i8)) return Int8Array.from(o.$i8 as number[]);
    if (typeof o.$num === 'string' && Object.keys(o).length === 1) return Number(o.$num);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = decode(v);
    return out;
  }
  return value;
}

/** JSON text for any plain-data value with typed arrays and non-finite numbers (restored by decodeJSON). */
export function encodeJSON(value: unknown, space?: number): string {
  return JSON.stringify(encode(value), null, space);
}

export function decodeJSON<T>(text: string): T {
  return decode(JSON.parse(text)) as T;
}

const FORMAT = 'helix-study';
const VERSION = 1;

/** A study (and optionally anything else, e.g. its selection) as a versioned JSON document. */
export function studyToJSON(state: StudyState, extra?: Record<string, unknown>, space?: number): string {
  return encodeJSON({ format: FORMAT, version: VERSION, study: state, ...extra }, space);
}

/** Reads a study written by studyToJSON; throws a message that says what is wrong with the file. */
export function studyFromJSON(text: string, where = 'study file'): StudyState {
  let doc: { format?: unknown; version?: unknown; study?: StudyState };
  try {
    doc = decodeJSON(text);
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message}) — pass a file written by \`cli tune --out\``);
  }
  if (!doc || doc.format !== FORMAT) throw new Error(`${where}: not a Helix study (format "${String(doc?.format)}") — pass a file written by \`cli tune --out\``);
  if (typeof doc.version !== 'number' || doc.version > VERSION) {
    throw new Error(`${where}: study format version ${String(doc.version)} is newer than this Helix understands (${VERSION}) — update Helix`);
  }
  if (!doc.study || !doc.study.definition || !Array.isArray(doc.study.trials)) throw new Error(`${where}: the study is incomplete (no definition or trials)`);
  return doc.study;
}
