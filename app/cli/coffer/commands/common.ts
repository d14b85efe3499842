// Pieces several commands share: the SSE flags, SSE-C keys from the vault (and what a read without the right one
// means), and "does this key exist" without a HEAD (a HEAD of an SSE-C object needs its key, a listing does not).
import { CosServiceError, type CosClient, type SseInfo } from '../../../cos/client';
import type { EncryptionStatus } from '../../../engine/encryption-status';
import type { UploadEncryption, UploadPlan } from '../../../engine/upload';
import { keyMd5 } from '../../../engine/upload/upload-encryption';
import { ServiceError } from '../../../services/service-error';
import type { Settings } from '../../../services/settings';
import type { Flags, ParsedArgs } from '../args';
import type { RunContext } from '../connection';
import { UsageError } from '../errors';

export async function sseCustomerKeyNamed(ctx: RunContext, name: string): Promise<Buffer> {
  // The vault (and its prompt) load only for a command given --sse-c-key.
  const { openVault } = await import('../open-vault');
  const vault = await openVault(ctx, { create: false });
  try {
    // The vault's module is loaded with the vault (openVault): a command without --sse-c-key never pays for it.
    const { findByName } = await import('../../../vault');
    const found = findByName(vault.listSseCustomerKeys(), name);
    if (!found) throw new ServiceError('not-found', 'NoSuchSseCKey', `There is no SSE-C key named "${name}" in the vault; see \`coffer sse-c-key list\`, or add one with \`coffer sse-c-key add\`.`);
    const key = await vault.getSseCustomerKey(found.id);
    ctx.out.addSecrets(key, key.toString('base64'));
    return key;
  } finally {
    vault.close();
  }
}

/** Codes a read of an SSE-C object without its key answers with (400; cos-protocol.md, SSE errors). */
const SSE_C_KEY_MISSING_CODES = new Set(['BadRequest', 'InvalidRequest', 'SsecDecryptHeaderInvalid', 'InvalidArgument']);

/**
 * A HEAD or GET of an SSE-C object answers 400 without its key and 403 with another key. Said as such, instead of
 * a bare "BadRequest" or advice about the SecretKey; any other error is returned unchanged.
 */
export function withSseCustomerKeyHint(err: unknown, keyName: string | undefined): unknown {
  if (!(err instanceof CosServiceError) || !err.key) return err;
  const at = `cos://${err.bucket}/${err.key}`;
  const details = { bucket: err.bucket, key: err.key, httpStatus: err.status };
  if (keyName === undefined && err.status === 400 && SSE_C_KEY_MISSING_CODES.has(err.code)) {
    return new ServiceError(
      'access',
      err.code,
      `${at} could not be read without a customer key (${err.code}): it is encrypted with SSE-C. Give its key with --sse-c-key NAME ` +
        '(`coffer sse-c-key list` shows the keys in the vault).',
      details,
    );
  }
  if (keyName !== undefined && err.status === 403) {
    return new ServiceError(
      'access',
      err.code,
      `The SSE-C key "${keyName}" does not open ${at} (${err.code}): the object was encrypted with another key, or these credentials may not read it.`,
      details,
    );
  }
  return err;
}

/**
 * `--sse cos|kms|c|none` with `--kms-key-id` / `--sse-c-key`. Without any of them, `fallback` (the default
 * encryption chosen in Coffer's Settings, for `cp`) applies, else SSE-COS.
 */
export async function uploadEncryption(ctx: RunContext, flags: Flags, fallback?: Settings['defaultEncryption']): Promise<UploadEncryption> {
  if (fallback && flags.sse === undefined && flags['kms-key-id'] === undefined && flags['sse-c-key'] === undefined) return settingsEncryption(ctx, fallback);
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

/** The default encryption of Coffer's Settings; said on standard error unless it is SSE-COS, the usual default. */
async function settingsEncryption(ctx: RunContext, choice: Settings['defaultEncryption']): Promise<UploadEncryption> {
  const said = (what: string, instead: string) => ctx.out.note(`coffer: ${what}, the default chosen in Coffer's Settings (${instead})`);
  switch (choice.mode) {
    case 'sse-cos':
      return { mode: 'SSE-COS' };
    case 'sse-kms':
      said(`encrypting with SSE-KMS${choice.keyId ? ` (key ${choice.keyId})` : ''}`, '--sse chooses another');
      return choice.keyId ? { mode: 'SSE-KMS', keyId: choice.keyId } : { mode: 'SSE-KMS' };
    case 'none':
      said('uploading WITHOUT encryption', '--sse cos encrypts');
      return { mode: 'none' };
    case 'sse-c': {
      const { openVault } = await import('../open-vault');
      const vault = await openVault(ctx, { create: false });
      try {
        const found = vault.listSseCustomerKeys().find((k) => k.id === choice.vaultKeyId);
        if (!found) {
          throw new ServiceError('not-found', 'NoSuchSseCKey', "The default encryption in Coffer's Settings names an SSE-C key that is no longer in the vault; choose another default in Settings, or give --sse.");
        }
        const key = await vault.getSseCustomerKey(found.id);
        ctx.out.addSecrets(key, key.toString('base64'));
        said(`encrypting with the SSE-C key "${found.name}"`, '--sse chooses another');
        return { mode: 'SSE-C', key };
      } finally {
        vault.close();
      }
    }
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
    case 'SSE-C': {
      const md5 = customerKeyMd5(info);
      return `SSE-C (server-side, customer-provided key${md5 ? ` MD5 ${md5}` : ''})`;
    }
  }
}

/** The key's MD5 fingerprint: echoed by the server, or computed from the key an upload asked for (never the key). */
function customerKeyMd5(info: { mode: 'SSE-C' } & ({ keyMd5?: string } | { key: Buffer })): string | undefined {
  return 'key' in info ? keyMd5(info.key) : info.keyMd5;
}

/** The public part of an encryption description, for --json: asked for, echoed, or found by a status HEAD. */
export function encryptionJson(info: SseInfo | UploadEncryption | Exclude<EncryptionStatus, { mode: 'unknown' }>): Record<string, string> {
  switch (info.mode) {
    case 'SSE-KMS':
      return 'keyId' in info && info.keyId ? { mode: info.mode, keyId: info.keyId } : { mode: info.mode };
    case 'SSE-C': {
      const md5 = customerKeyMd5(info);
      return md5 !== undefined ? { mode: info.mode, keyMd5: md5 } : { mode: info.mode };
    }
    case 'none':
      return 'unrecognized' in info && info.unrecognized ? { mode: 'unrecognized', algorithm: info.unrecognized } : { mode: info.mode };
    default:
      return { mode: info.mode };
  }
}

/** A bucket's default encryption (as the engine's plan reports it), for people. */
export function describeBucketDefault(enc: UploadPlan['bucketDefaultEncryption']): string {
  if (enc === null) return 'none';
  if (enc === 'unknown') return 'unknown (these credentials may not read it)';
  return enc.algorithm === 'KMS' ? `SSE-KMS${enc.kmsKeyId ? ` (key ${enc.kmsKeyId})` : ''}` : 'SSE-COS';
}

/** The same for --json: null for none. */
export function bucketDefaultJson(enc: UploadPlan['bucketDefaultEncryption']): Record<string, string> | null {
  if (enc === null) return null;
  if (enc === 'unknown') return { mode: 'unknown' };
  return enc.algorithm === 'KMS' ? { mode: 'SSE-KMS', ...(enc.kmsKeyId ? { keyId: enc.kmsKeyId } : {}) } : { mode: 'SSE-COS' };
}

export async function objectExists(client: CosClient, bucket: string, key: string): Promise<boolean> {
  const page = await client.listObjects(bucket, { prefix: key, maxKeys: 1 });
  return page.contents.some((c) => c.key === key);
}

/** The one address a command takes (optional for `ls`). */
export function onePositional(args: ParsedArgs, command: string, optional = false): string | undefined {
  const [first, ...rest] = args.positionals;
  if (rest.length > 0) throw new UsageError(`\`coffer ${command}\` takes one cos:// address, got ${args.positionals.length} arguments.`);
  if (first === undefined && !optional) throw new UsageError(`\`coffer ${command}\` needs a cos://bucket/key address.`);
  return first;
}

export function requireBucket(bucket: string, command: string): void {
  if (!bucket) throw new UsageError(`\`coffer ${command}\` needs a bucket: cos://bucket/key.`);
}

export function requireKey(bucket: string, key: string, command: string): void {
  requireBucket(bucket, command);
  if (!key || key.endsWith('/')) throw new UsageError(`\`coffer ${command}\` needs an object key: cos://${bucket}/path/to/object.`);
}
