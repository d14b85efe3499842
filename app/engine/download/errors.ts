// Errors a download can end with, beyond the COS client's own (service, network, abort). Messages carry only
// public facts: bucket, key, destination path, sizes and checksums.
import { CosIntegrityError } from '../../cos/client/errors';

/** The bytes received do not match the object's CRC64 (or size); the partial file has been deleted. */
export class DownloadIntegrityError extends CosIntegrityError {
  override name = 'DownloadIntegrityError';
  readonly code = 'DownloadIntegrity';
  constructor(
    message: string,
    bucket: string,
    key: string,
    readonly dest: string,
  ) {
    super(message, bucket, key);
  }
}

/** A key that cannot become a path inside the destination folder; nothing was written for it. */
export class UnsafeKeyError extends Error {
  override name = 'UnsafeKeyError';
  readonly code = 'UnsafeKey';
  constructor(
    readonly bucket: string,
    readonly key: string,
    readonly reason: string,
  ) {
    super(`refused to download ${bucket}/${key}: ${reason}`);
  }
}
