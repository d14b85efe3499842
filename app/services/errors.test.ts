// The one error taxonomy: every failure below the services becomes a kind (what the UI and the CLI's exit code
// react to), a code, a sentence the user can act on, and public details (request id, bucket, key, path).
import { describe, expect, it } from 'vitest';
import { CosAbortError, CosIntegrityError, CosNetworkError, CosServiceError } from '../cos/client';
import { SseRegionError } from '../engine/bucket-settings';
import { EncryptInPlaceError, ObjectChangedError } from '../engine/encrypt-in-place';
import { DownloadIntegrityError } from '../engine/download';
import { UploadError } from '../engine/upload';
import { VaultError } from '../vault';
import { AppError } from '../../shared/contract';
import { exitCodeFor, itemFailure, objectNotFound, ServiceError, toAppError } from './errors';

const service = (code: string, status: number, extra: Partial<{ bucket: string; key: string; requestId: string; message: string }> = {}) =>
  new CosServiceError({ code, status, message: extra.message ?? '', requestId: extra.requestId, context: { bucket: extra.bucket, key: extra.key } });

describe('toAppError', () => {
  it('says a missing bucket is not found, naming it, with the request id in the details', () => {
    const e = toAppError(service('NoSuchBucket', 404, { bucket: 'photos-1250000000', requestId: 'req-1' }));
    expect(e).toMatchObject({ kind: 'not-found', code: 'NoSuchBucket', details: { requestId: 'req-1', httpStatus: 404, bucket: 'photos-1250000000' } });
    expect(e.message).toBe('The bucket cos://photos-1250000000 does not exist; check its name, or pick another bucket.');
  });

  it('says a missing object in one sentence, whether a request or a listing found it missing', () => {
    const e = toAppError(service('NoSuchKey', 404, { bucket: 'b-1', key: 'photos/a.jpg' }));
    expect(e).toMatchObject({ kind: 'not-found', code: 'NoSuchKey' });
    expect(e.message).toBe('Nothing was found at cos://b-1/photos/a.jpg: check the name; it may have been deleted or renamed.');
    expect(toAppError(objectNotFound('b-1', 'photos/a.jpg'))).toMatchObject({ kind: 'not-found', code: 'NoSuchKey', message: e.message, details: { bucket: 'b-1', key: 'photos/a.jpg' } });
  });

  it('turns refused credentials and a skewed clock into access errors with what to do', () => {
    expect(toAppError(service('SignatureDoesNotMatch', 403, { bucket: 'b-1', key: 'k' }))).toMatchObject({
      kind: 'access',
      message: 'Access was refused for cos://b-1/k (SignatureDoesNotMatch): check the SecretId and SecretKey of this connection, and that they may access this bucket.',
    });
    expect(toAppError(service('RequestTimeTooSkewed', 403)).message).toContain("this computer's clock is too far off");
  });

  it('marks server errors as retryable and says to try again', () => {
    const e = toAppError(service('InternalError', 500, { message: 'boom' }));
    expect(e).toMatchObject({ kind: 'failed', details: { retryable: true } });
    expect(e.message).toContain('Try again in a moment.');
  });

  it('maps the engine and encrypt-in-place failures by what they mean', () => {
    expect(toAppError(new UploadError('not-encrypted', 'the server did not encrypt this object', 'b-1', 'k'))).toMatchObject({ kind: 'integrity', code: 'not-encrypted', message: 'The server did not encrypt this object.' });
    expect(toAppError(new UploadError('source-changed', 'x changed while it was being uploaded')).kind).toBe('conflict');
    expect(toAppError(new ObjectChangedError('b-1', 'k', '"e"')).kind).toBe('conflict');
    expect(toAppError(new EncryptInPlaceError('VerificationFailed', 'copied but not verified', 'b-1', 'k')).kind).toBe('integrity');
    // A sentence that starts with a name keeps the name as it is.
    expect(toAppError(new EncryptInPlaceError('SourceKeyRequired', 'b-1/k is encrypted with a customer key (SSE-C); give that key to re-encrypt it', 'b-1', 'k'))).toMatchObject({
      kind: 'failed',
      message: 'b-1/k is encrypted with a customer key (SSE-C); give that key to re-encrypt it.',
    });
    expect(toAppError(new DownloadIntegrityError('the download was discarded', 'b-1', 'k', '/tmp/x'))).toMatchObject({ kind: 'integrity', details: { path: '/tmp/x' } });
    expect(toAppError(new CosIntegrityError('crc mismatch', 'b-1', 'k')).kind).toBe('integrity');
  });

  it('says where server-side encryption is offered when a region has none', () => {
    const e = toAppError(new SseRegionError('b-1', 'ap-chengdu', ['ap-beijing', 'ap-shanghai', 'ap-guangzhou']));
    expect(e).toMatchObject({ kind: 'unavailable', details: { region: 'ap-chengdu' } });
    expect(e.message).toBe('Server-side encryption is not offered in ap-chengdu (only ap-beijing, ap-shanghai and ap-guangzhou). Upload without encryption, or use a bucket in one of those regions.');
  });

  it('keeps vault sentences and files their kind', () => {
    expect(toAppError(new VaultError('WRONG_PASSPHRASE', 'Wrong passphrase: the vault could not be unlocked with it.'))).toMatchObject({ kind: 'access', code: 'WRONG_PASSPHRASE' });
    expect(toAppError(new VaultError('VALIDATION', 'bad')).kind).toBe('usage');
  });

  it('names the file of a file-system failure', () => {
    const err = Object.assign(new Error('nope'), { code: 'EACCES', path: '/root/secret.txt' });
    expect(toAppError(err)).toMatchObject({ kind: 'access', message: 'Coffer may not read or write /root/secret.txt; check its permissions.', details: { path: '/root/secret.txt' } });
  });

  it('treats network failures as retryable, cancellations as cancelled, and keeps context', () => {
    expect(toAppError(new CosNetworkError('reset', 'ECONNRESET', {}))).toMatchObject({ kind: 'failed', code: 'ECONNRESET', details: { retryable: true } });
    // A refused certificate is not the network: no "try again", and what to do about a store's new certificate.
    for (const code of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_PINNED', 'CERT_HAS_EXPIRED']) {
      const e = toAppError(new CosNetworkError('refused', code, { bucket: 'b-1250000000' }));
      expect(e).toMatchObject({ kind: 'access', code, details: { code, bucket: 'b-1250000000' } });
      expect(e.details.retryable).toBeUndefined();
      expect(e.message).toContain('edit the account and trust the new one');
      expect(e.message).not.toContain('try again');
    }
    expect(toAppError(new CosAbortError('stop')).kind).toBe('cancelled');
    expect(toAppError(new Error('odd'), { connectionId: 'local' })).toMatchObject({ kind: 'failed', message: 'Odd.', details: { connectionId: 'local' } });
    expect(new ServiceError('usage', 'X', 'Say it.').toAppError()).toEqual({ kind: 'usage', code: 'X', message: 'Say it.', details: { code: 'X' } });
  });

  it('sends the phrase of its sentence with it, for a window to say it in its user language', () => {
    const errors = [
      toAppError(service('NoSuchBucket', 404, { bucket: 'photos-1250000000' })),
      toAppError(service('AccessDenied', 403)),
      toAppError(service('BucketNotEmpty', 409, { bucket: 'b-1' })),
      toAppError(new SseRegionError('b-1', 'ap-chengdu', ['ap-beijing', 'ap-shanghai', 'ap-guangzhou'])),
      toAppError(new CosNetworkError('refused', 'ECONNREFUSED', {})),
      toAppError(Object.assign(new Error('nope'), { code: 'ENOSPC', path: '/home/me/a.txt' })),
    ];
    expect(errors.map((e) => e.phrase)).toEqual([
      { id: 'noSuchBucket', values: { where: 'cos://photos-1250000000' } },
      { id: 'accessRefused', values: { code: 'AccessDenied' } },
      { id: 'bucketNotEmpty', values: { where: 'cos://b-1' } },
      { id: 'sseRegion', values: { region: 'ap-chengdu', regions: 'ap-beijing, ap-shanghai and ap-guangzhou', regionList: 'ap-beijing, ap-shanghai, ap-guangzhou' } },
      { id: 'network', values: { code: 'ECONNREFUSED' } },
      { id: 'diskFull', values: { path: '/home/me/a.txt' } },
    ]);
    // Each is what the contract lets cross to a window; a sentence of the server's own words has no phrase.
    for (const e of errors) expect(AppError.parse(e)).toEqual(e);
    // Thrown on by a service as it is (a job that could not start), it keeps its phrase.
    for (const e of errors) expect(toAppError(ServiceError.of(e, new Error('below')))).toEqual(e);
    expect(toAppError(service('InternalError', 500, { message: 'boom' })).phrase).toBeUndefined();
    // The services' own errors with a phrase: the same sentence as a listing's 404, and a folder name refused.
    expect(toAppError(objectNotFound('b-1', 'a.jpg')).phrase).toEqual({ id: 'nothingAt', values: { where: 'cos://b-1/a.jpg' } });
    expect(ServiceError.phrased('usage', 'BadFolderName', 'badFolderName', { name: '..' }).toAppError()).toEqual({
      kind: 'usage',
      code: 'BadFolderName',
      message: '".." cannot be a folder name: use a name without "/" or "\\", other than "." and "..".',
      details: { code: 'BadFolderName' },
      phrase: { id: 'badFolderName', values: { name: '..' } },
    });
  });

  it('classifies per-item failures by their code, and gives each kind its exit code', () => {
    expect(itemFailure('crc-mismatch', 'data corrupted in transit').kind).toBe('integrity');
    expect(itemFailure('AccessDenied', 'no').kind).toBe('access');
    expect(itemFailure('ENOENT', 'gone').kind).toBe('not-found');
    expect([exitCodeFor('usage'), exitCodeFor('not-found'), exitCodeFor('access'), exitCodeFor('integrity'), exitCodeFor('failed')]).toEqual([2, 3, 4, 5, 1]);
  });
});
