// Typed failures of encrypt-in-place. Each says what happened to the object, because the user's next step
// depends on it: nothing was overwritten (retry later), or the copy happened but could not be confirmed.

export type EncryptInPlaceErrorCode = 'ObjectChanged' | 'SourceKeyRequired' | 'VerificationFailed';

export class EncryptInPlaceError extends Error {
  override name = 'EncryptInPlaceError';
  constructor(
    readonly code: EncryptInPlaceErrorCode,
    message: string,
    readonly bucket: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The object's ETag moved on between the HEAD and the copy (412 on the copy-source If-Match). */
export class ObjectChangedError extends EncryptInPlaceError {
  override name = 'ObjectChangedError';
  constructor(bucket: string, key: string, readonly expectedEtag: string, cause?: unknown) {
    super(
      'ObjectChanged',
      `${bucket}/${key}: the object changed while it was being encrypted; nothing was overwritten. Encrypt it again to include the new version.`,
      bucket,
      key,
      { cause },
    );
  }
}
