// Keeps secrets out of logs: replaces every known secret, in the forms it is likely to appear in (raw,
// base64, base64url, hex, URL-encoded), with `****`. Used by the app's loggers; Vault.redactor() builds one
// from everything the vault holds without handing the secrets out.

import { formatWithOptions } from 'node:util';

export const REDACTED = '****';
/** Shorter values are skipped: redacting them would shred ordinary text and they are not real secrets. */
export const MIN_SECRET_LENGTH = 6;

/** Every textual form in which `secret` may show up in a log line. */
export function secretForms(secret: string | Buffer): string[] {
  const forms = new Set<string>();
  const raw = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (typeof secret === 'string') {
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
  }
  const b64 = raw.toString('base64');
  forms.add(b64);
  forms.add(b64.replace(/=+$/, '')); // unpadded (also matches the secret at the start of a longer base64 run)
  forms.add(raw.toString('base64url'));
  forms.add(encodeURIComponent(b64));
  const hex = raw.toString('hex');
  forms.add(hex);
  forms.add(hex.toUpperCase());
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

export function buildRedactor(secrets: ReadonlyArray<string | Buffer>): (text: string) => string {
  const usable = secrets.filter((s) => s.length >= MIN_SECRET_LENGTH || (Buffer.isBuffer(s) && s.length >= 4));
  // Longest first, so a secret's base64 form is not half-replaced by a shorter secret inside it.
  const forms = [...new Set(usable.flatMap(secretForms))].sort((a, b) => b.length - a.length);
  if (forms.length === 0) return (text) => text;
  const pattern = new RegExp(forms.map(escapeRegExp).join('|'), 'g');
  return (text) => text.replace(pattern, REDACTED);
}

/** One-shot form: `redactSecrets(line, [secretKey, token])`. */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | Buffer>): string {
  return buildRedactor(secrets)(text);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

export interface Logger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/**
 * Wraps a logger so every line is formatted first (objects, errors with their stacks and causes) and then
 * redacted: a secret nested in an object or an error message is caught too. Pass a redactor function (e.g.
 * from Vault.redactor(), or `(t) => latest(t)` to follow a vault as profiles change) or a list of secrets.
 */
export function redactingLogger(base: Logger, redact: ((text: string) => string) | ReadonlyArray<string | Buffer>): Logger {
  const fn = typeof redact === 'function' ? redact : buildRedactor(redact);
  const wrap = (level: keyof Logger) => (...args: unknown[]) => {
    base[level](fn(formatWithOptions({ depth: 8, colors: false }, ...args)));
  };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
