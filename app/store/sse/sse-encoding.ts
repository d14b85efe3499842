// Byte-level encodings shared by the SSE modules: length-prefixed fields for AADs and digests, and a strict
// base64 decoder. Kept separate so every AAD in the format is built the same way.

const UTF8 = new TextEncoder();

/** `u32be(len) ‖ bytes`. A string is UTF-8 encoded. Length prefixes make the concatenation unambiguous. */
export function lp(value: string | Buffer): Buffer {
  const body = typeof value === 'string' ? Buffer.from(UTF8.encode(value)) : value;
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

export function u32be(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n, 0);
  return b;
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes canonical, padded base64 or returns undefined. `Buffer.from(s, 'base64')` silently skips invalid
 * characters and accepts missing padding, so a malformed value would decode to *some* bytes; we reject it instead.
 */
export function decodeBase64Strict(s: string): Buffer | undefined {
  if (!BASE64_RE.test(s)) return undefined;
  const buf = Buffer.from(s, 'base64');
  // Non-canonical trailing bits (e.g. "QR==" vs "QQ==") decode to the same bytes; require the canonical form.
  if (buf.toString('base64') !== s) return undefined;
  return buf;
}

/** Best-effort wipe; GC copies may remain, but the buffers we own at least do not keep the secret around. */
export function wipe(...bufs: Array<Buffer | undefined>): void {
  for (const b of bufs) b?.fill(0);
}
