// Synchronous, streaming SHA-256 (FIPS 180-4). Web Crypto's digest is asynchronous and one-shot;
// the pipeline's keys need many digests of growing prefixes of one byte stream (a refit's key covers
// the data up to its decision day, method.md §6), so it hashes the stream once and reads the digest
// at each prefix without finishing the stream (`digestHex` works on a copy of the state).
//
// Checked against Web Crypto's SHA-256 in test/unit/pipeline/keys.test.ts.

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export class Sha256 {
  private readonly h = new Uint32Array(H0);
  private readonly block = new Uint8Array(64);
  private readonly w = new Uint32Array(64);
  private fill = 0;
  /** Bytes hashed so far (a double: exact far beyond any data set). */
  private length = 0;
  private readonly scratch = new Uint8Array(8);
  private readonly scratchView = new DataView(this.scratch.buffer);
  private readonly enc = new TextEncoder();

  update(bytes: Uint8Array): this {
    let i = 0;
    const n = bytes.length;
    this.length += n;
    if (this.fill > 0) {
      const take = Math.min(64 - this.fill, n);
      this.block.set(bytes.subarray(0, take), this.fill);
      this.fill += take;
      i = take;
      if (this.fill < 64) return this;
      this.compress(this.block, 0);
      this.fill = 0;
    }
    for (; i + 64 <= n; i += 64) this.compress(bytes, i);
    if (i < n) { this.block.set(bytes.subarray(i), 0); this.fill = n - i; }
    return this;
  }

  /** UTF-8 text. */
  text(s: string): this {
    return this.update(this.enc.encode(s));
  }

  /** A float64, little-endian; every NaN as the canonical quiet NaN and −0 as 0 (same rule as the panel hash). */
  float(v: number): this {
    if (Number.isNaN(v)) { this.scratchView.setUint32(0, 0, true); this.scratchView.setUint32(4, 0x7ff80000, true); }
    else this.scratchView.setFloat64(0, v === 0 ? 0 : v, true);
    return this.update(this.scratch);
  }

  /** The digest of everything so far, as lower-case hex; the stream can go on afterwards. */
  digestHex(): string {
    const h = new Uint32Array(this.h);
    const block = new Uint8Array(64);
    block.set(this.block.subarray(0, this.fill));
    let fill = this.fill;
    block[fill++] = 0x80;
    if (fill > 56) { block.fill(0, fill); compressInto(h, this.w, block, 0); block.fill(0); fill = 0; }
    else block.fill(0, fill, 56);
    const bits = this.length * 8;
    const dv = new DataView(block.buffer);
    dv.setUint32(56, Math.floor(bits / 0x100000000), false);
    dv.setUint32(60, bits >>> 0, false);
    compressInto(h, this.w, block, 0);
    let out = '';
    for (let i = 0; i < 8; i++) {
      const x = h[i]!;
      out += HEX[x >>> 24]! + HEX[(x >>> 16) & 255]! + HEX[(x >>> 8) & 255]! + HEX[x & 255]!;
    }
    return out;
  }

  private compress(bytes: Uint8Array, off: number): void {
    compressInto(this.h, this.w, bytes, off);
  }
}

function compressInto(h: Uint32Array, w: Uint32Array, b: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const j = off + i * 4;
    w[i] = ((b[j]! << 24) | (b[j + 1]! << 16) | (b[j + 2]! << 8) | b[j + 3]!) >>> 0;
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!, y = w[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) >>> 0;
  }
  let a = h[0]!, bb = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, hh = h[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (hh + S1 + ch + K[i]! + w[i]!) >>> 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & bb) ^ (a & c) ^ (bb & c);
    const t2 = (S0 + maj) >>> 0;
    hh = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = bb; bb = a; a = (t1 + t2) >>> 0;
  }
  h[0] = (h[0]! + a) >>> 0; h[1] = (h[1]! + bb) >>> 0; h[2] = (h[2]! + c) >>> 0; h[3] = (h[3]! + d) >>> 0;
  h[4] = (h[4]! + e) >>> 0; h[5] = (h[5]! + f) >>> 0; h[6] = (h[6]! + g) >>> 0; h[7] = (h[7]! + hh) >>> 0;
}

/** SHA-256 hex of a text (UTF-8). */
export function sha256Text(s: string): string {
  return new Sha256().text(s).digestHex();
}
