// The rule for a name the user types for a file or a folder (Rename, New folder), checked as they type so that
// they read a sentence in their language instead of the core's refusal. The same as the core's for a folder name
// (app/services/listing.ts): no "/" (it would make a folder), no "\" (Windows reads it as one), no control
// characters (a key holding a NUL or a pasted tab cannot be seen or typed again), not "." or "..".

/** The longest object key COS accepts, in UTF-8 bytes (the whole path, a folder's with its "/"). */
export const MAX_KEY_BYTES = 850;

/** Why `name` cannot be used under `parent` (a folder's name when `folder`), or null. */
export function nameProblem(name: string, parent: string, folder: boolean): 'empty' | 'invalid' | 'tooLong' | null {
  const trimmed = name.trim();
  if (!trimmed) return 'empty';
  if ([...name].some((c) => c === '/' || c === '\\' || c < ' ' || c === '\u007f') || trimmed === '.' || trimmed === '..') return 'invalid';
  if (new TextEncoder().encode(`${parent}${trimmed}${folder ? '/' : ''}`).length > MAX_KEY_BYTES) return 'tooLong';
  return null;
}
