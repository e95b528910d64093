// Content hashes (a data set's id is the SHA-256 of its normalised panel). Web Crypto is
// present in node ≥ 20, workers and pages, so the same bytes give the same id everywhere.
import type { Panel } from './data/panel.ts';

/** Lower-case hex SHA-256 of the bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  const digest = await globalThis.crypto.subtle.digest('SHA-256', copy.buffer);
  const b = new Uint8Array(digest);
  let hex = '';
  for (let i = 0; i < b.length; i++) hex += b[i]!.toString(16).padStart(2, '0');
  return hex;
}

/**
 * The normalised serialisation hashed by panelHash: a version line, the dates, then each series in
 * ticker order as "ticker kind count" and its values as little-endian float64 (NaN written as the
 * canonical quiet NaN, -0 as 0). Roles are not part of it: they are an editable assignment stored
 * beside the data, so changing a role keeps the data set's id.
 */
export function serialisePanel(panel: Panel): Uint8Array {
  const enc = new TextEncoder();
  const series = [...panel.series].sort((a, b) => (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0));
  const head = enc.encode(`helix-panel/1\n${panel.dates.length}\n${panel.dates.join('\n')}\n`);
  const parts: Uint8Array[] = [head];
  let total = head.length;
  for (const s of series) {
    const h = enc.encode(`${s.ticker}\t${s.kind}\t${s.values.length}\n`);
    const body = new Uint8Array(s.values.length * 8);
    const dv = new DataView(body.buffer);
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (Number.isNaN(v)) { dv.setUint32(i * 8, 0, true); dv.setUint32(i * 8 + 4, 0x7ff80000, true); }
      else dv.setFloat64(i * 8, v === 0 ? 0 : v, true);
    }
    parts.push(h, body);
    total += h.length + body.length;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** SHA-256 hex of serialisePanel(panel): the data set's content id. */
export function panelHash(panel: Panel): Promise<string> {
  return sha256Hex(serialisePanel(panel));
}
