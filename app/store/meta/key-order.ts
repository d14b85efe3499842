// Key ordering for listings. Object keys sort in UTF-8 byte order (what S3/COS return and what SQLite's BINARY
// collation gives for TEXT in a UTF-8 database), which is code-point order. JavaScript's `<` compares UTF-16 code
// units instead, which disagrees for supplementary characters vs U+E000..U+FFFF, so every comparison made in JS
// for a listing goes through compareKeys.

/** A key the database can store and compare faithfully (see assertStorableKey). */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Code-point (= UTF-8 byte) order. Negative, zero or positive like Array.sort comparators. */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return fixUp(x) - fixUp(y);
  }
  return a.length - b.length;
}

// Moves surrogates (D800–DFFF, i.e. code points ≥ U+10000) above E000–FFFF so that code-unit order becomes
// code-point order; the first differing unit decides, and both strings are well-formed.
function fixUp(c: number): number {
  if (c < 0xd800) return c;
  return c < 0xe000 ? c + 0x2000 : c - 0x800;
}

/**
 * The smallest string greater than every string that starts with `prefix`, or null when there is none (the empty
 * prefix, or one made only of U+10FFFF). `[prefix, prefixUpperBound(prefix))` is exactly the set of keys with that
 * prefix, which turns "starts with" into an index range scan.
 */
export function prefixUpperBound(prefix: string): string | null {
  const cps = Array.from(prefix);
  while (cps.length > 0) {
    const last = cps.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // Surrogate code points are not characters; U+D7FF is followed by U+E000 in UTF-8 order.
      const next = last === 0xd7ff ? 0xe000 : last + 1;
      return cps.join('') + String.fromCodePoint(next);
    }
  }
  return null;
}

/**
 * The common prefix `key` rolls up into under GET Bucket semantics: prefix + the rest of the key up to and
 * including the first delimiter after the prefix; null when the key is listed as itself. The key must start with
 * `prefix`.
 */
export function commonPrefixOf(key: string, prefix: string, delimiter: string): string | null {
  if (delimiter === '') return null;
  const at = key.indexOf(delimiter, prefix.length);
  return at < 0 ? null : key.slice(0, at + delimiter.length);
}

/** True when `s` is itself a common prefix for this prefix/delimiter (the form a NextMarker can take). */
export function isCommonPrefix(s: string, prefix: string, delimiter: string): boolean {
  return delimiter !== '' && s.startsWith(prefix) && commonPrefixOf(s, prefix, delimiter) === s;
}

/**
 * Keys must be non-empty, well-formed Unicode without U+0000: the SQLite binding passes strings NUL-terminated
 * (a NUL would silently truncate the key) and a lone surrogate has no UTF-8 form (it would be stored as U+FFFD
 * and no longer match the key the client sent).
 */
export function assertStorableKey(key: string, what = 'object key'): void {
  if (typeof key !== 'string' || key.length === 0) throw new Error(`${what} must be a non-empty string`);
  if (key.includes('\0')) throw new Error(`${what} ${JSON.stringify(key)} contains U+0000, which cannot be stored`);
  assertWellFormed(key, what);
}

export function assertWellFormed(s: string, what: string): void {
  if (LONE_SURROGATE.test(s)) throw new Error(`${what} ${JSON.stringify(s)} is not well-formed Unicode (lone surrogate)`);
}
