// The one error type the store's handlers throw. The request boundary (server.ts) turns it into the COS error
// XML with the matching HTTP status; any other thrown value becomes a 500 InternalError (and is logged).

/** HTTP status for each COS error code the store emits (cos-protocol.md §3.4). */
const STATUS: Record<string, number> = {
  BadDigest: 400,
  EntitySizeNotMatch: 400,
  EntityTooLarge: 400,
  EntityTooSmall: 400,
  IncompleteBody: 400,
  IncorrectNumberOfFilesInPostRequest: 400,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidCopySource: 400,
  InvalidDigest: 400,
  InvalidObjectName: 400,
  InvalidPart: 400,
  InvalidPartOrder: 400,
  InvalidPolicyDocument: 400,
  InvalidRequest: 400,
  InvalidURI: 400,
  KeyTooLong: 400,
  KmsKeyNotExist: 400,
  KmsKeyDisabled: 400,
  MalformedPolicy: 400,
  MalformedPOSTRequest: 400,
  MalformedXML: 400,
  MissingRequestBodyError: 400,
  RequestTimeout: 400,
  SSEHeaderNotAllowed: 400,
  SsecDecryptHeaderInvalid: 400,
  TooManyBuckets: 400,
  XMLSizeLimit: 400,
  RequestHeaderFieldsTooLarge: 431,
  AccessDenied: 403,
  InvalidAccessKeyId: 403,
  RequestTimeTooSkewed: 403,
  SignatureDoesNotMatch: 403,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NoSuchUpload: 404,
  NoSuchCopySource: 404,
  NoSuchEncryptionConfiguration: 404,
  MethodNotAllowed: 405,
  BucketAlreadyExists: 409,
  BucketAlreadyOwnedByYou: 409,
  BucketNotEmpty: 409,
  MissingContentLength: 411,
  PreconditionFailed: 412,
  InvalidRange: 416,
  InternalError: 500,
  NotImplemented: 501,
  ServiceUnavailable: 503,
  SlowDown: 503,
};

export type CosErrorCode = keyof typeof STATUS | (string & {});

export class CosError extends Error {
  readonly code: CosErrorCode;
  readonly status: number;
  /** Extra response headers (e.g. `Allow` on 405). */
  readonly headers: Record<string, string>;

  constructor(code: CosErrorCode, message: string, opts: { status?: number; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'CosError';
    this.code = code;
    this.status = opts.status ?? STATUS[code] ?? 400;
    this.headers = opts.headers ?? {};
  }
}

/** Narrowing helper for catch blocks. */
export function isCosError(err: unknown): err is CosError {
  return err instanceof CosError;
}
