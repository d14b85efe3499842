// The one error taxonomy of every front end: any failure below the services (COS client, engine, vault, file
// system) becomes an AppError, the contract's JSON-safe shape `{ kind, code, message, details }`. `kind` tells a
// front end how to react (the CLI's exit code, the UI's screen), `message` is a sentence the user can act on, and
// `details` carry the public facts (code, request id, bucket, key, path) for a "Details" disclosure and the logs.
// Messages are built from public facts only; client and vault errors are already free of secrets. The sentences
// name no front end's controls (no flag, no button): the CLI and the app show the same ones.
//
// Each error class is imported from the module that defines it, not from its package's index, so that loading the
// taxonomy loads no HTTP client, vault or engine code a command does not already use.
import { sayPhrase, type ErrorPhraseId } from '../../shared/contract/error-phrases';
import type { ErrorDetails, ErrorKind } from '../../shared/contract/errors';
import { CosAbortError, CosIntegrityError, CosNetworkError, CosServiceError } from '../cos/client/errors';
import { isTransient } from '../cos/client/retry';
import { sayList } from '../cos/sse-regions';
import { SseRegionError } from '../engine/bucket-settings';
import { DownloadIntegrityError, UnsafeKeyError } from '../engine/download/errors';
import { EncryptInPlaceError } from '../engine/encrypt-in-place-errors';
import { UploadError } from '../engine/upload/upload-encryption';
import { isVaultError } from '../vault/errors';
import { ServiceError, type AppError } from './service-error';

export { exitCodeFor, ServiceError, type AppError, type ErrorKind } from './service-error';

const ACCESS_CODES = new Set(['AccessDenied', 'SignatureDoesNotMatch', 'InvalidAccessKeyId', 'ExpiredToken', 'InvalidToken', 'RequestTimeTooSkewed', 'InvalidSecurityToken']);
const NOT_FOUND_CODES = new Set(['NoSuchKey', 'NoSuchBucket', 'NoSuchUpload']);
const CONFLICT_CODES = new Set(['BucketAlreadyExists', 'BucketAlreadyOwnedByYou', 'BucketNotEmpty', 'PreconditionFailed']);
/** Engine codes that mean "the server did not store what was asked" (verification), not a transport problem. */
export const INTEGRITY_CODES = new Set(['not-encrypted', 'crc-mismatch', 'size-mismatch', 'sse-key-mismatch', 'VerificationFailed', 'DownloadIntegrity']);

function at(bucket?: string, key?: string): string {
  if (!bucket) return '';
  return key ? `cos://${bucket}/${key}` : `cos://${bucket}`;
}

function pruned(d: ErrorDetails): ErrorDetails {
  return Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined && v !== '')) as ErrorDetails;
}

/** An error whose message is a phrase (error-phrases.ts): the English sentence, and the id and values with it. */
function phrased(kind: ErrorKind, code: string, id: ErrorPhraseId, values: Record<string, string>, details: ErrorDetails): AppError {
  return { kind, code, details, ...sayPhrase(id, values) };
}

/** An object that is not there, found so by a listing rather than a request (the same sentence as a 404's). */
export function objectNotFound(bucket: string, key: string): ServiceError {
  return ServiceError.phrased('not-found', 'NoSuchKey', 'nothingAt', { where: at(bucket, key) }, { bucket, key });
}

function fromService(err: CosServiceError): AppError {
  const where = at(err.bucket, err.key);
  const code = err.code;
  const details = pruned({ code, requestId: err.requestId, httpStatus: err.status, bucket: err.bucket, key: err.key, uploadId: err.uploadId, retryable: isTransient(err) });
  if (NOT_FOUND_CODES.has(code) || err.status === 404) {
    if (code === 'NoSuchBucket') return phrased('not-found', code, 'noSuchBucket', { where: at(err.bucket) }, details);
    if (code === 'NoSuchUpload') return where ? phrased('not-found', code, 'noSuchUploadOf', { where }, details) : phrased('not-found', code, 'noSuchUpload', {}, details);
    return phrased('not-found', code, 'nothingAt', { where: where || 'that address' }, details);
  }
  if (ACCESS_CODES.has(code) || err.status === 403) {
    const id = code === 'RequestTimeTooSkewed' ? (where ? 'clockSkewAt' : 'clockSkew') : where ? 'accessRefusedAt' : 'accessRefused';
    return phrased('access', code, id, where ? { where, code } : { code }, details);
  }
  if (CONFLICT_CODES.has(code) || err.status === 409 || err.status === 412) {
    if (code === 'BucketAlreadyExists' || code === 'BucketAlreadyOwnedByYou') {
      return err.bucket ? phrased('conflict', code, 'bucketExists', { bucket: err.bucket }, details) : { kind: 'conflict', code, message: 'A bucket of that name already exists; choose another name.', details };
    }
    if (code === 'BucketNotEmpty') return phrased('conflict', code, 'bucketNotEmpty', { where: at(err.bucket) }, details);
    return where ? phrased('conflict', code, 'changedMeanwhile', { where }, details) : phrased('conflict', code, 'objectChangedMeanwhile', {}, details);
  }
  if (err.status === 501 || code === 'NotImplemented') {
    return where ? phrased('unavailable', code, 'notOfferedAt', { where }, details) : phrased('unavailable', code, 'notOffered', {}, details);
  }
  const retry = isTransient(err) ? ' Try again in a moment.' : '';
  const said = err.serviceMessage ? `: ${err.serviceMessage.replace(/\.?$/, '.')}` : '.';
  return { kind: 'failed', code: err.code, message: `The server refused the request${where ? ` for ${where}` : ''} (${err.code})${said}${retry}`, details };
}

/** Node's and OpenSSL's codes for a certificate that was refused (untrusted, expired, another name, not the pinned one). */
const CERTIFICATE = /^(ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_SSL_)/;
export const isCertificateCode = (code: string): boolean => CERTIFICATE.test(code);

/** Any error → the contract's AppError. `context` adds facts the error itself does not carry. */
export function toAppError(err: unknown, context: ErrorDetails = {}): AppError {
  const withContext = (e: AppError): AppError => ({ ...e, details: pruned({ ...context, ...e.details }) });
  if (err instanceof ServiceError) return withContext(err.toAppError());
  if (err instanceof CosServiceError) return withContext(fromService(err));
  if (err instanceof SseRegionError) {
    // regionList: the same regions for a translation to join its own way (sayList joins them in English).
    const values = { region: err.region, regions: sayList(err.allowed), regionList: err.allowed.join(', ') };
    return withContext(phrased('unavailable', err.code, 'sseRegion', values, pruned({ code: err.code, bucket: err.bucket, region: err.region })));
  }
  if (err instanceof CosAbortError) return withContext(phrased('cancelled', 'Cancelled', 'cancelled', {}, {}));
  if (err instanceof DownloadIntegrityError) {
    return withContext({ kind: 'integrity', code: err.code, message: `${sentence(err.message)} Nothing damaged was kept; try again.`, details: pruned({ code: err.code, bucket: err.bucket, key: err.key, path: err.dest }) });
  }
  if (err instanceof CosIntegrityError) {
    return withContext({ kind: 'integrity', code: 'Integrity', message: `The data did not arrive intact (${err.message}); nothing damaged was kept. Try again.`, details: pruned({ code: 'Integrity', bucket: err.bucket, key: err.key, retryable: true }) });
  }
  if (err instanceof UploadError) {
    const kind: ErrorKind = INTEGRITY_CODES.has(err.code) ? 'integrity' : err.code === 'too-large' || err.code === 'bad-source' ? 'usage' : err.code === 'source-changed' ? 'conflict' : 'failed';
    return withContext({ kind, code: err.code, message: sentence(err.message), details: pruned({ code: err.code, bucket: err.bucket, key: err.key }) });
  }
  if (err instanceof EncryptInPlaceError) {
    // SourceKeyRequired: the object needs its SSE-C key, which the request did not name (nothing was changed).
    const kind: ErrorKind = err.code === 'VerificationFailed' ? 'integrity' : err.code === 'ObjectChanged' ? 'conflict' : 'failed';
    return withContext({ kind, code: err.code, message: sentence(err.message), details: pruned({ code: err.code, bucket: err.bucket, key: err.key }) });
  }
  if (err instanceof UnsafeKeyError) {
    return withContext({ kind: 'usage', code: err.code, message: sentence(err.message), details: pruned({ code: err.code, bucket: err.bucket, key: err.key }) });
  }
  if (err instanceof CosNetworkError) {
    // Not the network: trying again meets the same certificate. An account of a store with its own certificate
    // trusts exactly that one, so a store that made a new one is refused here until the account trusts it.
    if (err.code && isCertificateCode(err.code)) {
      return withContext(phrased('access', err.code, 'certificate', { code: err.code }, pruned({ code: err.code, bucket: err.bucket, key: err.key })));
    }
    const details = pruned({ code: err.code ?? 'Network', bucket: err.bucket, key: err.key, retryable: true });
    return withContext(phrased('failed', err.code ?? 'Network', 'network', { code: err.code ?? 'network error' }, details));
  }
  if (isVaultError(err)) {
    const kind: ErrorKind =
      err.code === 'WRONG_PASSPHRASE' || err.code === 'UNLOCK_FAILED' || err.code === 'PROTECTOR_MISMATCH' || err.code === 'PROTECTOR_UNAVAILABLE' || err.code === 'CLOSED'
        ? 'access'
        : err.code === 'NOT_FOUND'
          ? 'not-found'
          : err.code === 'VALIDATION'
            ? 'usage'
            : err.code === 'DUPLICATE' || err.code === 'CONFLICT'
              ? 'conflict'
              : 'failed';
    return withContext({ kind, code: err.code, message: err.message, details: { code: err.code } });
  }
  const errno = err as NodeJS.ErrnoException | undefined;
  if (errno && typeof errno.code === 'string' && typeof errno.path === 'string') {
    const details = pruned({ code: errno.code, path: errno.path });
    const path = { path: errno.path };
    if (errno.code === 'ENOENT') return withContext(phrased('not-found', 'ENOENT', 'fileMissing', path, details));
    if (errno.code === 'EACCES' || errno.code === 'EPERM') return withContext(phrased('access', errno.code, 'fileAccess', path, details));
    if (errno.code === 'ENOSPC') return withContext(phrased('failed', errno.code, 'diskFull', path, details));
    return withContext({ kind: 'failed', code: errno.code, message: `${errno.path}: ${errno.message}`, details });
  }
  const message = err instanceof Error ? err.message : String(err);
  return withContext({ kind: 'failed', code: 'Failed', message: sentence(message || 'Something went wrong.'), details: { code: 'Failed' } });
}

/**
 * A message as a sentence: ending with a full stop, and capitalised when it starts with a plain word (one that starts
 * with a name, such as `photos/a.jpg is …`, keeps the name as it is).
 */
function sentence(text: string): string {
  const t = text.trim();
  if (t === '') return 'Something went wrong.';
  const first = /^[a-z]+(?=[\s,;:]|$)/.test(t) ? t[0]!.toUpperCase() + t.slice(1) : t;
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

/** A per-item failure the engine reported as (code, sentence): the same taxonomy by its code. */
export function itemFailure(code: string, message: string, details: ErrorDetails = {}): AppError {
  const kind: ErrorKind = INTEGRITY_CODES.has(code)
    ? 'integrity'
    : NOT_FOUND_CODES.has(code) || code === 'ENOENT'
      ? 'not-found'
      : ACCESS_CODES.has(code) || code === 'EACCES' || code === 'EPERM'
        ? 'access'
        : code === 'source-changed' || CONFLICT_CODES.has(code)
          ? 'conflict'
          : code === 'too-large' || code === 'bad-source'
            ? 'usage'
            : 'failed';
  return { kind, code, message: sentence(message), details: pruned({ code, ...details }) };
}
