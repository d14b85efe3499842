// The account dialog's rules, checked as the user types so a sentence appears beside the field instead of a refusal
// after "Add": the same rules the vault applies (app/vault/profile-schema.ts) and a store URL's (https unless it is
// on this computer). Each returns a translation key, or null when the value is fine.

/** Printable ASCII without spaces: COS ids, keys and tokens look like this. */
const TOKENISH = /^[\x21-\x7e]+$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** A pasted key often brings a space or a line break with it; they are never part of one. */
export const tidySecret = (value: string) => value.replace(/\s+/g, '');

export function nameProblem(name: string): string | null {
  const n = name.trim();
  if (n === '') return 'accounts.form.nameRequired';
  if (n.length > 64) return 'accounts.form.nameTooLong';
  return null;
}

export function secretIdProblem(id: string): string | null {
  if (id === '') return 'accounts.form.secretIdRequired';
  if (!TOKENISH.test(id) || id.length < 8 || id.length > 128) return 'accounts.form.secretIdInvalid';
  return null;
}

export function secretKeyProblem(key: string): string | null {
  if (key === '') return 'accounts.form.secretKeyRequired';
  if (!TOKENISH.test(key) || key.length < 8 || key.length > 256) return 'accounts.form.secretKeyInvalid';
  return null;
}

export function sessionTokenProblem(token: string): string | null {
  return token === '' || (TOKENISH.test(token) && token.length <= 8192) ? null : 'accounts.form.sessionTokenInvalid';
}

export function appIdProblem(appId: string): string | null {
  return appId === '' || /^\d{1,20}$/.test(appId) ? null : 'accounts.form.appIdInvalid';
}

/** A store's address: a URL with nothing after the host and port; https unless on this computer. */
export function storeUrlProblem(url: string): string | null {
  const typed = url.trim();
  if (typed === '') return 'accounts.form.urlRequired';
  let parsed: URL;
  try {
    parsed = new URL(typed);
  } catch {
    return 'accounts.form.urlInvalid';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'accounts.form.urlInvalid';
  if (parsed.username || parsed.password || parsed.search || parsed.hash || (parsed.pathname !== '/' && parsed.pathname !== '')) return 'accounts.form.urlInvalid';
  if (parsed.protocol === 'http:' && !LOOPBACK.has(parsed.hostname)) return 'accounts.form.urlNotHttps';
  return null;
}

export function passphraseProblem(passphrase: string, again: string): { field: 'passphrase' | 'again'; key: string } | null {
  if (passphrase.length < 8) return { field: 'passphrase', key: 'accounts.form.passphraseShort' };
  if (again !== passphrase) return { field: 'again', key: 'accounts.form.passphraseMismatch' };
  return null;
}
