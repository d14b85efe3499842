// The encryption column and closing count of `coffer ls --encryption`: what a person scans to see which objects
// are encrypted, and what a script reads from --json. The counting is app/services/encryption-tally.ts.
import type { EncryptionStatus } from '../../../engine/encryption-status';
import type { EncryptionTally } from '../../../services/encryption-tally';
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

/** The closing line of `ls --encryption`: how many listed objects are in each mode. */
export function tallySummary(tally: EncryptionTally): string {
  const c = tally.counts;
  const parts = [`${tally.encrypted} encrypted (${c['SSE-COS']} SSE-COS, ${c['SSE-KMS']} SSE-KMS, ${c['SSE-C']} SSE-C)`, `${c.none} NOT encrypted`];
  if (c.unknown > 0) parts.push(`${c.unknown} unknown`);
  return `${tally.total} object${tally.total === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

