// What `coffer cp` and `coffer encrypt` say about encryption: what the server reports it applied to each object
// (never only what was asked: a bucket's default encryption can encrypt an upload sent with --sse none), what a
// plan will do before it starts, and the one sentence for SSE asked for in a region where COS does not offer it.
import type { SseInfo } from '../../../cos/client';
import { SseRegionError } from '../../../engine/bucket-settings';
import type { AppliedEncryption, UploadEncryption, UploadPlan } from '../../../engine/upload';
import { UsageError } from '../errors';
import { describeBucketDefault, describeEncryption, encryptionJson } from './common';

/** The applied encryption in the shape the server's echo has, for the shared describe/JSON helpers. */
function asSseInfo(a: AppliedEncryption): SseInfo {
  switch (a.mode) {
    case 'SSE-COS':
      return { mode: 'SSE-COS' };
    case 'SSE-KMS':
      return { mode: 'SSE-KMS', keyId: a.keyId ?? '' };
    case 'SSE-C':
      return { mode: 'SSE-C', keyMd5: a.keyMd5 ?? '' };
    case 'unrecognized':
      return { mode: 'none', unrecognized: a.algorithm ?? 'unknown' };
    case 'none':
      return { mode: 'none' };
  }
}

/** For people: `SSE-COS (server-side, …)`, or `encrypted by the bucket's default encryption (SSE-COS)`. */
export function describeApplied(a: AppliedEncryption): string {
  if (a.byBucketDefault) return `encrypted by the bucket's default encryption (${a.mode === 'SSE-KMS' && a.keyId ? `SSE-KMS, key ${a.keyId}` : a.mode === 'unrecognized' ? `"${a.algorithm}"` : a.mode})`;
  return describeEncryption(asSseInfo(a));
}

/** For --json: the echo's mode (and key id or fingerprint), and whether the bucket's default applied it. */
export function appliedJson(a: AppliedEncryption): Record<string, string | boolean> {
  return { ...encryptionJson(asSseInfo(a)), byBucketDefault: a.byBucketDefault };
}

/** The encryption every object of a run got, when they all got the same (else undefined: each object says its own). */
export function commonApplied(all: AppliedEncryption[]): AppliedEncryption | undefined {
  if (all.length === 0) return undefined;
  const first = JSON.stringify(appliedJson(all[0]!));
  return all.every((a) => JSON.stringify(appliedJson(a)) === first) ? all[0] : undefined;
}

/**
 * A plan's encryption before it starts: what is asked for, and the bucket's default, which is what applies when
 * nothing is asked for (--sse none).
 */
export function describePlannedEncryption(asked: UploadEncryption, bucketDefault: UploadPlan['bucketDefaultEncryption']): string {
  const dflt = `the bucket's default encryption: ${describeBucketDefault(bucketDefault)}`;
  if (asked.mode !== 'none') return `with ${describeEncryption(asked)}; ${dflt}`;
  if (bucketDefault === null) return `with no encryption (--sse none; ${dflt}, so objects are NOT encrypted at rest)`;
  if (bucketDefault === 'unknown') return `with no encryption asked (--sse none; ${dflt})`;
  return `with no encryption asked (--sse none), so the bucket's default encryption (${describeBucketDefault(bucketDefault)}) applies`;
}

/**
 * SSE asked for a bucket in a region without it, said once before anything is sent, with what to do instead
 * (exit 2: the request cannot work as given). Any other error is returned unchanged.
 */
export function withSseRegionAdvice(err: unknown, command: 'cp' | 'encrypt'): unknown {
  if (!(err instanceof SseRegionError)) return err;
  const next =
    command === 'cp'
      ? 'Upload without it with --sse none, or use a bucket in one of those regions.'
      : `Objects in cos://${err.bucket} cannot be encrypted in place; keep data that must be encrypted at rest in a bucket in one of those regions.`;
  return new UsageError(`${err.message} ${next}`);
}
