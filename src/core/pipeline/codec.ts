// A portable byte encoding of the pipeline's cached values (plain objects, arrays, strings, numbers,
// booleans, null and typed arrays), so that the node cache (`--cache DIR`) and the shipped demo
// cache file are read back bit for bit in node, a worker and a page. JSON alone cannot carry NaN,
// ±Infinity or −0 and would write typed arrays as slow number lists; here the structure is JSON and
// every typed array's bytes follow it in one binary section (little-endian, as every platform that
// runs this app is).
//
// Layout: "HXV1" | u32 JSON length | JSON (UTF-8) | padding to 8 | typed-array bytes (8-aligned).

const MAGIC = 'HXV1';
type ArrayKind = 'f64' | 'f32' | 'i32' | 'u32' | 'i16' | 'u16' | 'i8' | 'u8';
type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

const CTORS: Record<ArrayKind, { new (buffer: ArrayBuffer, offset: number, length: number): TypedArray; BYTES_PER_ELEMENT: number }> = {
  f64: Float64Array, f32: Float32Array, i32: Int32Array, u32: Uint32Array, i16: Int16Array, u16: Uint16Array, i8: Int8Array, u8: Uint8Array,
};

function kindOf(v: unknown): ArrayKind | null {
  if (v instanceof Float64Array) return 'f64';
  if (v instanceof Float32Array) return 'f32';
  if (v instanceof Int32Array) return 'i32';
  if (v instanceof Uint32Array) return 'u32';
  if (v instanceof Int16Array) return 'i16';
  if (v instanceof Uint16Array) return 'u16';
  if (v instanceof Int8Array) return 'i8';
  if (v instanceof Uint8Array) return 'u8';
  return null;
}

const align8 = (n: number) => (n + 7) & ~7;

/** Encode `value` (see the header for what it may contain). Throws on anything else. */
export function encodeValue(value: unknown): Uint8Array {
  const arrays: TypedArray[] = [];
  let offset = 0;
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return { $n: 'NaN' };
      if (v === Infinity) return { $n: 'Inf' };
      if (v === -Infinity) return { $n: '-Inf' };
      if (Object.is(v, -0)) return { $n: '-0' };
      return v;
    }
    if (v === undefined) return { $u: 1 };
    const kind = kindOf(v);
    if (kind) {
      const a = v as TypedArray;
      const at = offset;
      offset = align8(offset + a.byteLength);
      arrays.push(a);
      return { $a: kind, o: at, n: a.length };
    }
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k.startsWith('$') ? `$${k}` : k] = walk(x);
      return out;
    }
    throw new Error(`encodeValue: cannot encode a ${typeof v}`);
  };
  const json = new TextEncoder().encode(JSON.stringify(walk(value)));
  const head = align8(8 + json.length);
  const out = new Uint8Array(head + offset);
  for (let i = 0; i < 4; i++) out[i] = MAGIC.charCodeAt(i);
  new DataView(out.buffer).setUint32(4, json.length, true);
  out.set(json, 8);
  let at = head;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at = align8(at + a.byteLength);
  }
  return out;
}

/** Decode bytes made by encodeValue. Typed arrays are fresh copies (they own their buffers). */
export function decodeValue(bytes: Uint8Array): unknown {
  if (bytes.length < 8 || String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!) !== MAGIC) throw new Error('decodeValue: not an encoded value (bad header)');
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (8 + len > bytes.length) throw new Error('decodeValue: truncated');
  const tree = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len))) as unknown;
  const base = align8(8 + len);
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(walk);
    const o = v as Record<string, unknown>;
    if (typeof o.$n === 'string') return o.$n === 'NaN' ? NaN : o.$n === 'Inf' ? Infinity : o.$n === '-Inf' ? -Infinity : -0;
    if (o.$u === 1) return undefined;
    if (typeof o.$a === 'string') {
      const C = CTORS[o.$a as ArrayKind];
      const n = o.n as number, at = base + (o.o as number);
      if (!C || at + n * C.BYTES_PER_ELEMENT > bytes.length) throw new Error('decodeValue: array outside the data');
      const copy = new Uint8Array(n * C.BYTES_PER_ELEMENT);
      copy.set(bytes.subarray(at, at + copy.length));
      return new C(copy.buffer, 0, n);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k.startsWith('$$') ? k.slice(1) : k] = walk(x);
    return out;
  };
  return walk(tree);
}

/** Rough size in bytes of a value held in memory (typed arrays by their bytes): for cache limits. */
export function approxBytes(v: unknown): number {
  if (v === null || v === undefined) return 8;
  if (typeof v === 'number' || typeof v === 'boolean') return 8;
  if (typeof v === 'string') return 16 + 2 * v.length;
  if (ArrayBuffer.isView(v)) return 64 + v.byteLength;
  if (Array.isArray(v)) { let s = 16; for (const x of v) s += approxBytes(x); return s; }
  if (typeof v === 'object') { let s = 32; for (const [k, x] of Object.entries(v as Record<string, unknown>)) s += 16 + k.length + approxBytes(x); return s; }
  return 16;
}
