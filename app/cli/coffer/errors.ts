// The `coffer` CLI's exit codes and the one place that turns any failure into a sentence and a code. Scripts
// branch on the code; people read the sentence. Client and vault errors are already free of secrets; the
// output layer redacts once more before anything is written.
import { CosIntegrityError, CosNetworkError, CosServiceError } from '../../cos/client/errors';
import { DownloadIntegrityError, UnsafeKeyError } from '../../engine/download/errors';
import { UploadError } from '../../engine/upload/upload-encryption';
import { isVaultError } from '../../vault/errors';

export const EXIT = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  NOT_FOUND: 3,
  ACCESS: 4,
  INTEGRITY: 5,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI itself detected, with the code it means. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(EXIT.USAGE, message);
  }
}

const ACCESS_CODES = new Set(['AccessDenied', 'SignatureDoesNotMatch', 'InvalidAccessKeyId', 'ExpiredToken', 'InvalidToken', 'RequestTimeTooSkewed', 'InvalidSecurityToken']);
const NOT_FOUND_CODES = new Set(['NoSuchKey', 'NoSuchBucket', 'NoSuchUpload']);
const INTEGRITY_UPLOAD_CODES = new Set(['not-encrypted', 'crc-mismatch', 'size-mismatch', 'sse-key-mismatch']);

function where(bucket?: string, key?: string): string {
  if (!bucket) return '';
  return key ? ` cos://${bucket}/${key}` : ` cos://${bucket}`;
}

/** Code and sentence for an error thrown anywhere below a command. */
export function describeError(err: unknown): { exitCode: ExitCode; code: string; message: string } {
  if (err instanceof CliError) return { exitCode: err.exitCode, code: err instanceof UsageError ? 'Usage' : 'Failed', message: err.message };
  if (err instanceof CosServiceError) {
    const target = where(err.bucket, err.key);
    if (NOT_FOUND_CODES.has(err.code) || err.status === 404) {
      const what = err.code === 'NoSuchBucket' ? `The bucket${where(err.bucket)} does not exist` : `Nothing found at${target || ' that address'}`;
      return { exitCode: EXIT.NOT_FOUND, code: err.code, message: `${what}; check the name with \`coffer ls\`.` };
    }
    if (ACCESS_CODES.has(err.code) || err.status === 403) {
      const hint =
        err.code === 'RequestTimeTooSkewed'
          ? "fix this machine's clock"
          : 'check the SecretId/SecretKey (COFFER_SECRET_ID/COFFER_SECRET_KEY or the profile) and that they may access this bucket';
      return { exitCode: EXIT.ACCESS, code: err.code, message: `Access was refused${target ? ` for${target}` : ''} (${err.code}): ${hint}.` };
    }
    return { exitCode: EXIT.FAILED, code: err.code, message: `The server refused the request${target ? ` for${target}` : ''}: ${err.code} (HTTP ${err.status}) ${err.serviceMessage}`.trim() + (err.requestId ? ` [request id ${err.requestId}]` : '') };
  }
  if (err instanceof DownloadIntegrityError || err instanceof CosIntegrityError) {
    return { exitCode: EXIT.INTEGRITY, code: 'Integrity', message: `Integrity check failed: ${err.message}. Nothing corrupt was kept; try again.` };
  }
  if (err instanceof UploadError) {
    if (INTEGRITY_UPLOAD_CODES.has(err.code)) return { exitCode: EXIT.INTEGRITY, code: err.code, message: `Verification failed: ${err.message}.` };
    return { exitCode: EXIT.FAILED, code: err.code, message: err.message };
  }
  if (err instanceof UnsafeKeyError) return { exitCode: EXIT.FAILED, code: err.code, message: err.message };
  if (err instanceof CosNetworkError) {
    return { exitCode: EXIT.FAILED, code: err.code ?? 'Network', message: `Could not reach the storage endpoint (${err.code ?? err.message}); check COFFER_ENDPOINT or the profile's endpoint and your network.` };
  }
  if (isVaultError(err)) {
    switch (err.code) {
      case 'WRONG_PASSPHRASE':
      case 'UNLOCK_FAILED':
      case 'PROTECTOR_MISMATCH':
      case 'PROTECTOR_UNAVAILABLE':
        return { exitCode: EXIT.ACCESS, code: err.code, message: err.message };
      case 'NOT_FOUND':
        return { exitCode: EXIT.NOT_FOUND, code: err.code, message: err.message };
      case 'VALIDATION':
        return { exitCode: EXIT.USAGE, code: err.code, message: err.message };
      default:
        return { exitCode: EXIT.FAILED, code: err.code, message: err.message };
    }
  }
  const errno = err as NodeJS.ErrnoException;
  if (errno && typeof errno.code === 'string' && typeof errno.path === 'string') {
    if (errno.code === 'ENOENT') return { exitCode: EXIT.NOT_FOUND, code: 'ENOENT', message: `${errno.path} does not exist.` };
    if (errno.code === 'EACCES' || errno.code === 'EPERM') return { exitCode: EXIT.ACCESS, code: errno.code, message: `Permission denied on ${errno.path}.` };
    return { exitCode: EXIT.FAILED, code: errno.code, message: `${errno.path}: ${errno.message}` };
  }
  return { exitCode: EXIT.FAILED, code: 'Failed', message: err instanceof Error ? err.message : String(err) };
}

/** The exit code for one failed item of an upload, from its failure code (DoneEvent.failed[].code). */
export function exitCodeForItemFailure(code: string): ExitCode {
  if (INTEGRITY_UPLOAD_CODES.has(code)) return EXIT.INTEGRITY;
  if (NOT_FOUND_CODES.has(code) || code === 'ENOENT') return EXIT.NOT_FOUND;
  if (ACCESS_CODES.has(code) || code === 'EACCES' || code === 'EPERM') return EXIT.ACCESS;
  return EXIT.FAILED;
}
