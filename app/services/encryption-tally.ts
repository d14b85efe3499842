// How many objects of a listing are in each encryption mode, and how many of them are encrypted at all: the audit a
// front end shows after the objects' encryption was read (`coffer ls --encryption` says it in its closing line). An
// object whose encryption could not be read counts as unknown, never as encrypted or not.
import type { EncryptionStatus } from '../engine/encryption-status';

export type EncryptionCounts = Record<EncryptionStatus['mode'], number>;

export class EncryptionTally {
  readonly counts: EncryptionCounts = { 'SSE-COS': 0, 'SSE-KMS': 0, 'SSE-C': 0, none: 0, unknown: 0 };

  add(s: EncryptionStatus): void {
    this.counts[s.mode]++;
  }

  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }

  /** Encrypted at rest, in any mode. */
  get encrypted(): number {
    return this.counts['SSE-COS'] + this.counts['SSE-KMS'] + this.counts['SSE-C'];
  }
}
