// Turning an object key into a path under a destination folder. Keys are attacker-controlled strings (anyone
// with write access to the bucket, or a hostile server's listing), so a key becomes a path only when every
// segment is a plain name: no `..` or `.`, no empty segment, no absolute or drive-letter start, no backslash
// (a path separator on Windows), no NUL. The joined path is checked once more to lie inside the folder.
import { isAbsolute, relative, resolve, sep } from 'node:path';

export type SafePath = { ok: true; path: string } | { ok: false; reason: string };

export function safeJoin(destDir: string, relativeKey: string): SafePath {
  if (relativeKey === '') return { ok: false, reason: 'the key names the folder itself' };
  if (relativeKey.includes('\0')) return { ok: false, reason: 'the key contains a NUL character' };
  if (relativeKey.startsWith('/')) return { ok: false, reason: 'the key is an absolute path' };
  if (relativeKey.includes('\\')) return { ok: false, reason: 'the key contains a backslash, a path separator on Windows' };
  if (/^[A-Za-z]:/.test(relativeKey)) return { ok: false, reason: 'the key starts with a drive letter' };
  const segments = relativeKey.split('/');
  for (const s of segments) {
    if (s === '..') return { ok: false, reason: 'the key has a ".." segment that would leave the destination folder' };
    if (s === '.') return { ok: false, reason: 'the key has a "." segment' };
    if (s === '') return { ok: false, reason: 'the key has an empty path segment' };
  }
  const root = resolve(destDir);
  const path = resolve(root, ...segments);
  if (!isInside(root, path)) return { ok: false, reason: 'the key resolves outside the destination folder' };
  return { ok: true, path };
}

/** True when `path` is `root` itself or below it (both absolute and resolved). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}
