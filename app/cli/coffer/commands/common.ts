// Pieces several commands share: the SSE flags, SSE-C keys from the vault, and "does this key exist" without a
// HEAD (a HEAD of an SSE-C object needs its key, a listing does not).
import type { CosClient, SseInfo } from '../../../cos/client';
import type { EncryptionStatus } from '../../../engine/encryption-status';
import type { UploadEncryption } from '../../../engine/upload';
import type { Flags } from '../args';
import { openVault, type RunContext } from '../connection';
import { CliError, EXIT, UsageError } from '../errors';

export async function sseCustomerKeyNamed(ctx: RunContext, name: string): Promise<Buffer> {
  const vault = await openVault(ctx, { create: false });
  try {
    const found = vault.listSseCustomerKeys().find((k) => k.name === name);
    if (!found) throw new CliError(EXIT.NOT_FOUND, `There is no SSE-C key named "${name}" in the vault; add one in the app first.`);
    const key = await vault.getSseCustomerKey(found.id);
    ctx.out.addSecrets(key, key.toString('base64'));
    return key;
  } finally {
    vault.close();
  }
}

/** `--sse cos|kms|c|none` (default cos) with `--kms-key-id` / `--sse-c-key`. */
export async function uploadEncryption(ctx: RunContext, flags: Flags): Promise<UploadEncryption> {
  const mode = (flags.sse ?? 'cos').toLowerCase();
  if (flags['kms-key-id'] !== undefined && mode !== 'kms') throw new UsageError('--kms-key-id goes with --sse kms.');
  if (flags['sse-c-key'] !== undefined && mode !== 'c') throw new UsageError('--sse-c-key goes with --sse c.');
  switch (mode) {
    case 'cos':
      return { mode: 'SSE-COS' };
    case 'kms':
      return flags['kms-key-id'] ? { mode: 'SSE-KMS', keyId: flags['kms-key-id'] } : { mode: 'SSE-KMS' };
    case 'c':
      if (!flags['sse-c-key']) throw new UsageError('--sse c needs --sse-c-key NAME (a key kept in the vault).');
      return { mode: 'SSE-C', key: await sseCustomerKeyNamed(ctx, flags['sse-c-key']) };
    case 'none':
      return { mode: 'none' };
    default:
      throw new UsageError(`--sse takes cos, kms, c or none (got "${flags.sse}").`);
  }
}

export function describeEncryption(info: SseInfo | UploadEncryption): string {
  switch (info.mode) {
    case 'none':
      return 'unrecognized' in info && info.unrecognized
        ? `"${info.unrecognized}" (server-side, an algorithm Coffer does not recognize)`
        : 'none (NOT encrypted at rest)';
    case 'SSE-COS':
      return 'SSE-COS (server-side, keys managed by the service)';
    case 'SSE-KMS':
      return `SSE-KMS (server-side, KMS key${'keyId' in info && info.keyId ? ` ${info.keyId}` : ' default'})`;
    case 'SSE-C':
      return `SSE-C (server-side, customer-provided key${'keyMd5' in info ? ` MD5 ${info.keyMd5}` : ''})`;
  }
}

/** The public part of an encryption description, for --json: asked for, echoed, or found by a status HEAD. */
export function encryptionJson(info: SseInfo | UploadEncryption | Exclude<EncryptionStatus, { mode: 'unknown' }>): Record<string, string> {
  switch (info.mode) {
    case 'SSE-KMS':
      return 'keyId' in info && info.keyId ? { mode: info.mode, keyId: info.keyId } : { mode: info.mode };
    case 'SSE-C':
      return 'keyMd5' in info && info.keyMd5 !== undefined ? { mode: info.mode, keyMd5: info.keyMd5 } : { mode: info.mode };
    case 'none':
      return 'unrecognized' in info && info.unrecognized ? { mode: 'unrecognized', algorithm: info.unrecognized } : { mode: info.mode };
    default:
      return { mode: info.mode };
  }
}

export async function objectExists(client: CosClient, bucket: string, key: string): Promise<boolean> {
  const page = await client.listObjects(bucket, { prefix: key, maxKeys: 1 });
  return page.contents.some((c) => c.key === key);
}

export function requireBucket(bucket: string, command: string): void {
  if (!bucket) throw new UsageError(`\`coffer ${command}\` needs a bucket: cos://bucket/key.`);
}

export function requireKey(bucket: string, key: string, command: string): void {
  requireBucket(bucket, command);
  if (!key || key.endsWith('/')) throw new UsageError(`\`coffer ${command}\` needs an object key: cos://${bucket}/path/to/object.`);
}

export function notFound(bucket: string, key: string): CliError {
  return new CliError(EXIT.NOT_FOUND, `Nothing found at cos://${bucket}/${key}; check the key with \`coffer ls cos://${bucket}/\`.`);
}
