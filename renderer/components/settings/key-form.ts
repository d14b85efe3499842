// The SSE-C key dialogs' rules, checked as the user types so a sentence appears beside the field instead of a
// refusal after "Add": the contract's own (channels-settings.ts), which the core checks again. Each returns a
// translation key, or null when the value is fine.
import { isSseCKeyText } from '../../../shared/contract/channels-settings';

export function keyNameProblem(name: string, taken: ReadonlyArray<{ name: string }>): string | null {
  const n = name.trim();
  if (n === '') return 'sseCKeys.form.nameRequired';
  if (n.length > 64) return 'sseCKeys.form.nameTooLong';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(n)) return 'sseCKeys.form.nameInvalid';
  // The vault refuses a second "Photos" beside "photos" too.
  if (taken.some((k) => k.name.toLocaleLowerCase() === n.toLocaleLowerCase())) return 'sseCKeys.form.nameTaken';
  return null;
}

/** A key as typed or pasted: 64 hex digits or 44 base64 characters (32 bytes); spaces and line breaks are ignored. */
export function keyTextProblem(text: string): string | null {
  const t = tidyKey(text);
  if (t === '') return 'sseCKeys.form.keyRequired';
  return isSseCKeyText(t) ? null : 'sseCKeys.form.keyInvalid';
}

/** A pasted key often brings spaces or line breaks (a key file ends with one); they are never part of it. */
export const tidyKey = (text: string) => text.replace(/\s+/g, '');
