// Byte-level encodings shared by the SSE modules: length-prefixed fields for AADs and digests, and a strict
// base64 decoder. Kept separate so every AAD in the format is built the same way.

/** `u32be(len) ‖ bytes`. A string is UTF-8 encoded. Length prefixes make the concatenation unambiguous. */
export function lp(value: string | Buffer): Buffer {
  return lpJoin(value);
}

/**
 * `lp(v1) ‖ lp(v2) ‖ …` built in one allocation: every object write builds a few of these AADs, and a Buffer per
 * field plus a concat was a measurable share of a small PUT's CPU (and of its garbage).
 */
export function lpJoin(...values: Array<string | Buffer>): Buffer {
  const lengths = values.map((v) => (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v.length));
  const out = Buffer.allocUnsafe(lengths.reduce((sum, n) => sum + 4 + n, 0));
  let at = 0;
  values.forEach((v, i) => {
    const n = lengths[i]!;
    out.writeUInt32BE(n, at);
    at += 4;
    if (typeof v === 'string') out.write(v, at, n, 'utf8');
    else v.copy(out, at);
    at += n;
  });
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
