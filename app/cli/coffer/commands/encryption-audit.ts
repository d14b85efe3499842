// The encryption column and closing count of `coffer ls --encryption`: what a person scans to see which objects
// are encrypted, and what a script reads from --json.
import type { EncryptionStatus } from '../../../engine/encryption-status';
import { encryptionJson } from './common';

/** Short, fixed words a person can scan and a script can grep. */
export const ENCRYPTION_LABEL: Record<EncryptionStatus['mode'], string> = {
  'SSE-COS': 'SSE-COS',
  'SSE-KMS': 'SSE-KMS',
  'SSE-C': 'SSE-C',
  none: 'NONE',
  unknown: 'unknown',
};

/** An object's status in --json: the mode and what names its key (never the key); an unknown one says why. */
export function statusJson(s: EncryptionStatus): Record<string, unknown> {
  return s.mode === 'unknown' ? { mode: s.mode, error: s.error } : encryptionJson(s);
}

/** How many listed objects are in each mode, for the closing line of `ls --encryption`. */
export class EncryptionTally {
  readonly counts: Record<EncryptionStatus['mode'], number> = { 'SSE-COS': 0, 'SSE-KMS': 0, 'SSE-C': 0, none: 0, unknown: 0 };

  add(s: EncryptionStatus): void {
    this.counts[s.mode]++;
  }

  summary(): string {
    const c = this.counts;
    const total = Object.values(c).reduce((a, b) => a + b, 0);
    const encrypted = c['SSE-COS'] + c['SSE-KMS'] + c['SSE-C'];
    const parts = [`${encrypted} encrypted (${c['SSE-COS']} SSE-COS, ${c['SSE-KMS']} SSE-KMS, ${c['SSE-C']} SSE-C)`, `${c.none} NOT encrypted`];
    if (c.unknown > 0) parts.push(`${c.unknown} unknown`);
    return `${total} object${total === 1 ? '' : 's'}: ${parts.join(', ')}`;
  }
}

