// Bucket-level commands: `coffer ls` with no bucket (with --encryption, each bucket's default encryption),
// `coffer head cos://bucket` (region, default encryption, access) and `coffer mb` (optionally encrypting by default).
// Listing buckets with their default encryption and creating one that encrypts by default are the app's too
// (app/services/buckets.ts).
import type { BucketEncryption } from '../../../cos/client';
import { readBucketDefaultEncryption, unknownIfDenied } from '../../../engine/bucket-settings';
import { createBucket, listBuckets as listBucketsWithEncryption, type DefaultEncryptionView } from '../../../services/buckets';
import { allowOnly, parseCosUrl, type ParsedArgs } from '../args';
import type { Connection, RunContext } from '../connection';
import { EXIT, UsageError, type ExitCode } from '../errors';
import { bucketDefaultJson, describeBucketDefault, onePositional, requireBucket } from './common';

/** A bucket's default encryption in the CLI's --json shape (`keyId`, as for objects). */
function defaultJson(view: DefaultEncryptionView): Record<string, string> | null {
  if (view === null || view.mode !== 'SSE-KMS') return view;
  return view.kmsKeyId ? { mode: view.mode, keyId: view.kmsKeyId } : { mode: view.mode };
}

/** `coffer ls` without a bucket; with --encryption, each bucket's default encryption too. */
export async function listBuckets(ctx: RunContext, conn: Connection, withEncryption: boolean): Promise<ExitCode> {
  const { out } = ctx;
  if (!withEncryption) {
    const res = await conn.client.listBuckets();
    out.document({ buckets: res.buckets });
    for (const b of res.buckets) out.line(`${b.creationDate.padEnd(24)} ${b.region.padEnd(16)} cos://${b.name}`);
    return EXIT.OK;
  }
  const rows = (await listBucketsWithEncryption(conn.client)).map((b) => ({ name: b.name, region: b.region, creationDate: b.createdAt, defaultEncryption: defaultJson(b.defaultEncryption) }));
  for (const b of rows) out.line(`${b.creationDate.padEnd(24)} ${b.region.padEnd(16)} ${(b.defaultEncryption?.mode ?? 'none').padEnd(8)} cos://${b.name}`);
  const unencrypted = rows.filter((r) => r.defaultEncryption === null).length;
  const unknown = rows.filter((r) => r.defaultEncryption?.mode === 'unknown').length;
  const encrypting = rows.length - unencrypted - unknown;
  const unread = unknown > 0 ? `, ${unknown} could not be read (these credentials may not read the setting)` : '';
  out.line(`${rows.length} bucket${rows.length === 1 ? '' : 's'}: ${encrypting} encrypt new objects by default, ${unencrypted} do not${unread} (column 3: the default encryption)`);
  out.document({ buckets: rows });
  return EXIT.OK;
}

const ACCESS_NOTE: Record<string, string> = {
  private: 'private (only signed requests by permitted accounts)',
  'public-read': 'public-read: anyone may list it and read objects without signing (encrypted objects still need a signature)',
  'public-read-write': 'public-read-write: anyone may read AND write objects without signing',
  unknown: 'unknown (these credentials may not read the ACL)',
};

/** `coffer head cos://bucket`: where it is, what it encrypts by default, and who may read it. */
export async function headBucket(ctx: RunContext, conn: Connection, bucket: string): Promise<ExitCode> {
  const found = await conn.client.headBucket(bucket);
  // In the bucket's own region (COS answers a bucket's settings only there).
  const region = found.region || undefined;
  const [encryption, acl] = await Promise.all([readBucketDefaultEncryption(conn.client, bucket, { region }), unknownIfDenied(() => conn.client.getBucketAcl(bucket, { region }))]);
  const access = acl === 'unknown' ? 'unknown' : acl.canned;
  const { out } = ctx;
  out.document({ bucket, region: found.region, defaultEncryption: bucketDefaultJson(encryption), acl: access });
  out.line(`cos://${bucket}`);
  if (found.region) out.line(`  Region:             ${found.region}`);
  out.line(`  Default encryption: ${describeBucketDefault(encryption)}${encryption === null ? ' (objects are stored as uploaded; coffer asks for SSE-COS unless told --sse none)' : ''}`);
  out.line(`  Access:             ${ACCESS_NOTE[access]}`);
  return EXIT.OK;
}

export function checkMb(args: ParsedArgs): void {
  allowOnly('mb', args.flags, ['default-encryption', 'kms-key-id']);
  const { bucket, key } = parseCosUrl(onePositional(args, 'mb')!);
  requireBucket(bucket, 'mb');
  if (key) throw new UsageError('`coffer mb` takes just a bucket: cos://bucket.');
  defaultEncryptionFlag(args);
}

/** `--default-encryption cos|kms [--kms-key-id ID]`: what the bucket applies to objects uploaded without SSE headers. */
function defaultEncryptionFlag(args: ParsedArgs): BucketEncryption | undefined {
  const mode = args.flags['default-encryption']?.toLowerCase();
  if (args.flags['kms-key-id'] !== undefined && mode !== 'kms') throw new UsageError('--kms-key-id goes with --default-encryption kms.');
  if (mode === undefined) return undefined;
  if (mode === 'cos') return { algorithm: 'AES256' };
  if (mode === 'kms') return args.flags['kms-key-id'] ? { algorithm: 'KMS', kmsKeyId: args.flags['kms-key-id'] } : { algorithm: 'KMS' };
  throw new UsageError(`--default-encryption takes cos or kms (got "${args.flags['default-encryption']}").`);
}

export async function mb(ctx: RunContext, conn: Connection, args: ParsedArgs): Promise<ExitCode> {
  const { bucket } = parseCosUrl(onePositional(args, 'mb')!);
  const byDefault = defaultEncryptionFlag(args);
  // A bucket that cannot encrypt as asked is removed again, and the failure says so.
  await createBucket(conn.client, bucket, { defaultEncryption: byDefault });
  ctx.out.document({ bucket, created: true, defaultEncryption: bucketDefaultJson(byDefault ?? null) });
  ctx.out.line(`created cos://${bucket}${byDefault ? ` (default encryption: ${describeBucketDefault(byDefault)})` : ''}`);
  return EXIT.OK;
}
