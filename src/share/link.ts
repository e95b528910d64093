// Share links: the URL hash carries the run configuration, versioned and compressed.
//
//   #run=v1.<payload>     payload = base64url( deflate( UTF-8( canonical JSON of the RunConfig ) ) )
//
// The configuration includes the data set's reference (id, name, first/last date, content hash),
// so the page that opens the link can find the data set, or say which one it needs.
//
// Old links keep loading: decodeShareLink switches on the version prefix, and every version ever
// written has a decoder here and a fixture link in test/unit/share that must keep decoding.
//
// Safety: a link is hostile input from anyone's URL. decodeShareLink never throws and never
// changes state; it bounds the encoded size (MAX_ENCODED_CHARS) before decoding, the inflated size
// (MAX_INFLATED_BYTES) while inflating (a deflate bomb stops at the cap), and the JSON nesting depth
// (MAX_JSON_DEPTH) before parsing; core validateConfig then checks every type and range, rejects
// unknown keys (`__proto__`, `constructor`, `prototype` included) and builds a fresh object from
// known keys only. Pure TypeScript (fflate, TextEncoder, no DOM): tested in node.
import { deflateSync, Inflate } from 'fflate';
import { serializeConfig, validateConfig, type RunConfig } from '../core/config.ts';

/** The hash key of a share link: `#run=…`. */
export const SHARE_KEY = 'run';
/** The version written by encodeShareLink. */
export const CURRENT_LINK_VERSION = 1;
/** Longest hash accepted (characters after `#`); a v1 link of the default configuration is ~600. */
export const MAX_ENCODED_CHARS = 16 * 1024;
/** Most bytes a payload may inflate to. */
export const MAX_INFLATED_BYTES = 256 * 1024;
/** Deepest JSON nesting accepted (a configuration nests 4 levels; the cap is generous). */
export const MAX_JSON_DEPTH = 32;

export type ShareLinkProblem =
  | 'not-a-link' | 'too-large' | 'unknown-version' | 'bad-encoding' | 'bad-compression' | 'too-large-inflated'
  | 'bad-text' | 'bad-json' | 'too-deep' | 'invalid-config';

export type DecodedLink =
  | { ok: true; version: number; config: RunConfig }
  | { ok: false; problem: ShareLinkProblem; message: string };

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_INDEX = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[B64URL.charCodeAt(i)] = i;
  return t;
})();

/** base64url without padding (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]! + B64URL[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]!;
  }
  return out;
}

/** Decodes base64url (padding tolerated); null when any character is outside the alphabet or the length is impossible. */
export function fromBase64Url(text: string): Uint8Array | null {
  const s = text.replace(/=+$/, '');
  if (s.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let o = 0, acc = 0, bits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? B64_INDEX[c]! : -1;
    if (v < 0) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
    acc &= 0xff; // keep only what is still needed (at most 6 pending bits)
  }
  return out.subarray(0, o);
}

/** The hash fragment (without '#') of a link to `config`: `run=v1.<payload>`. */
export function encodeShareLink(config: RunConfig): string {
  const json = serializeConfig(config); // validates, canonical key order
  const packed = deflateSync(new TextEncoder().encode(json), { level: 9 });
  return `${SHARE_KEY}=v${CURRENT_LINK_VERSION}.${toBase64Url(packed)}`;
}

/** `base` (any URL of the app, its own hash dropped) with the share hash of `config`. */
export function shareUrl(config: RunConfig, base: string): string {
  const i = base.indexOf('#');
  return `${i >= 0 ? base.slice(0, i) : base}#${encodeShareLink(config)}`;
}

/** The `run=` value of a hash ("#run=v1.…", "run=v1.…", "#a=1&run=v1.…"), or null. */
function shareValue(hash: string): string | null {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  for (const part of h.split('&')) {
    if (part.startsWith(`${SHARE_KEY}=`)) return part.slice(SHARE_KEY.length + 1);
  }
  return null;
}

/**
 * Does this hash carry a share link (well formed or not)? Any length: a link too long to open is
 * still a link, and decodeShareLink says why it was not opened (a length cap here made long links
 * vanish without a word).
 */
export function isShareHash(hash: unknown): boolean {
  return typeof hash === 'string' && shareValue(hash) !== null;
}

const fail = (problem: ShareLinkProblem, message: string): DecodedLink => ({ ok: false, problem, message });

/** Maximum nesting of `[`/`{` in JSON text (brackets inside strings ignored), stopping past `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0, max = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) { if (++depth > max) { max = depth; if (max > limit) return max; } }
    else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/** Inflates at most `cap` bytes; null when the data is not valid deflate; 'too-large' past the cap. */
function inflateCapped(bytes: Uint8Array, cap: number): Uint8Array | 'too-large' | null {
  // Streamed in small pieces so that a deflate bomb stops at the cap: one 256-byte piece inflates
  // to at most ~264 KB (deflate's ratio is below 1032:1), and the work done is bounded by that
  // rather than by what the whole payload would expand to.
  const PIECE = 256;
  const chunks: Uint8Array[] = [];
  let total = 0, ended = false;
  const inflater = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total <= cap) chunks.push(chunk);
    if (final) ended = true;
  });
  try {
    for (let i = 0; i < bytes.length && total <= cap; i += PIECE) {
      const end = Math.min(bytes.length, i + PIECE);
      inflater.push(bytes.subarray(i, end), end === bytes.length);
    }
  } catch {
    return null;
  }
  if (total > cap) return 'too-large';
  if (!ended) return null; // the stream stopped before its end: cut off
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
}

const LINK_HELP = 'Ask whoever sent it for a fresh link, or open Helix without the part after “#”.';

/** v1: deflate-raw of the canonical JSON of a RunConfig version 1. */
function decodeV1(payload: string): DecodedLink {
  const bytes = fromBase64Url(payload);
  if (!bytes || bytes.length === 0) return fail('bad-encoding', `This share link is damaged: its data is not valid base64url text (perhaps it was cut off or changed when it was copied). ${LINK_HELP}`);
  const inflated = inflateCapped(bytes, MAX_INFLATED_BYTES);
  if (inflated === null) return fail('bad-compression', `This share link is damaged: its data does not decompress (perhaps it was cut off when it was copied). ${LINK_HELP}`);
  if (inflated === 'too-large') return fail('too-large-inflated', `This share link expands to more than ${MAX_INFLATED_BYTES / 1024} KB, far more than any run configuration: it was not opened. ${LINK_HELP}`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(inflated);
  } catch {
    return fail('bad-text', `This share link is damaged: its data is not text. ${LINK_HELP}`);
  }
  if (jsonDepth(text) > MAX_JSON_DEPTH) return fail('too-deep', `This share link's data is nested more than ${MAX_JSON_DEPTH} levels deep, which no run configuration is: it was not opened. ${LINK_HELP}`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail('bad-json', `This share link is damaged: its data is not a readable configuration. ${LINK_HELP}`);
  }
  const r = validateConfig(raw);
  if (!r.ok) {
    const first = r.errors.slice(0, 3).map((e) => e.message).join('; '); // each message names its setting
    return fail('invalid-config', `This share link's configuration is not valid (${first}${r.errors.length > 3 ? `; and ${r.errors.length - 3} more` : ''}). Nothing was changed. ${LINK_HELP}`);
  }
  return { ok: true, version: 1, config: r.config };
}

/**
 * Reads a share link hash ("#run=v1.…", with or without "#"). Never throws, whatever the input;
 * a bad link gives `{ ok: false, problem, message }` with a message for people.
 */
export function decodeShareLink(hash: unknown): DecodedLink {
  try {
    if (typeof hash !== 'string') return fail('not-a-link', 'There is no share link in this address.');
    if (hash.length > 4 * MAX_ENCODED_CHARS) return fail('too-large', `This share link is ${hash.length.toLocaleString('en-US')} characters long, far more than any run configuration needs (at most ${MAX_ENCODED_CHARS.toLocaleString('en-US')}): it was not opened. ${LINK_HELP}`);
    const value = shareValue(hash);
    if (value === null) return fail('not-a-link', 'There is no share link in this address.');
    if (value.length > MAX_ENCODED_CHARS) return fail('too-large', `This share link is ${value.length.toLocaleString('en-US')} characters long, far more than any run configuration needs (at most ${MAX_ENCODED_CHARS.toLocaleString('en-US')}): it was not opened. ${LINK_HELP}`);
    const m = /^v(\d{1,6})\.(.*)$/s.exec(value);
    if (!m) return fail('unknown-version', `This share link has no version (it should start with “${SHARE_KEY}=v1.”): it may be damaged. ${LINK_HELP}`);
    const version = Number(m[1]);
    switch (version) {
      case 1: return decodeV1(m[2]!);
      // A later format adds its case here; v1 links must keep decoding (fixture in test/unit/share).
      default:
        return fail('unknown-version', version > CURRENT_LINK_VERSION
          ? `This share link was made by a newer version of Helix (link format v${version}; this page reads up to v${CURRENT_LINK_VERSION}). Reload the page to get the latest version, then open the link again.`
          : `This share link has an unknown format (v${version}). ${LINK_HELP}`);
    }
  } catch {
    // Belt and braces: nothing above should throw, but a link must never crash the page.
    return fail('bad-encoding', `This share link could not be read. ${LINK_HELP}`);
  }
}
