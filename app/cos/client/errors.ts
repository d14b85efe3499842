// The errors the COS client throws: a service error (COS or the store answered with an error), a transport error
// (no usable answer), and an integrity error (the answer disagrees with what was sent). Messages are built only
// from public facts (code, status, bucket, key, request id) and are scrubbed of every secret the request used, so
// an error can be logged or shown as is.

/** What a failed request was about; every field is public. */
export interface CosErrorContext {
  method?: string;
  bucket?: string;
  key?: string;
  uploadId?: string;
}

export class CosServiceError extends Error {
  override name = 'CosServiceError';
  readonly code: string;
  readonly status: number;
  readonly requestId?: string;
  readonly traceId?: string;
  /** `<Resource>` of the error body when the server sent one. */
  readonly resource?: string;
  readonly bucket?: string;
  readonly key?: string;
  readonly uploadId?: string;
  /** The server's own message, without our context prefix. */
  readonly serviceMessage: string;
  /** True when the error arrived inside a 200 (Copy, Upload Part - Copy, Complete; cos-protocol.md §3.3). */
  readonly in200: boolean;
  /** The response `Date`, used for clock-skew recovery. */
  readonly serverDate?: string;

  constructor(init: {
    code: string;
    status: number;
    message: string;
    requestId?: string;
    traceId?: string;
    resource?: string;
    serverDate?: string;
    in200?: boolean;
    context: CosErrorContext;
  }) {
    const where = [init.context.bucket, init.context.key].filter((s) => s !== undefined && s !== '').join('/');
    super(
      `${init.code} (HTTP ${init.status})${where ? ` on ${where}` : ''}: ${init.message || 'no message'}` +
        (init.requestId ? ` [request id ${init.requestId}]` : ''),
    );
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.traceId = init.traceId;
    this.resource = init.resource;
    this.bucket = init.context.bucket;
    this.key = init.context.key;
    this.uploadId = init.context.uploadId;
    this.serviceMessage = init.message;
    this.in200 = init.in200 ?? false;
    this.serverDate = init.serverDate;
  }
}

/** The request never got a complete answer: refused, reset, timed out, or the body broke off. */
export class CosNetworkError extends Error {
  override name = 'CosNetworkError';
  /** The underlying error code (ECONNRESET, UND_ERR_HEADERS_TIMEOUT, …) when there was one. */
  readonly code?: string;
  readonly bucket?: string;
  readonly key?: string;

  constructor(message: string, code: string | undefined, context: CosErrorContext) {
    super(message);
    this.code = code;
    this.bucket = context.bucket;
    this.key = context.key;
  }
}

/** The server answered, but its checksum disagrees with the bytes we sent or received. */
export class CosIntegrityError extends Error {
  override name = 'CosIntegrityError';
  constructor(
    message: string,
    readonly bucket?: string,
    readonly key?: string,
  ) {
    super(message);
  }
}

/** The caller aborted the operation through its AbortSignal. */
export class CosAbortError extends Error {
  override name = 'AbortError';
  readonly code = 'ABORT_ERR';
}

/**
 * HEAD (and other bodiless) errors carry only a status; these are the codes COS uses for those statuses, so
 * callers can switch on `code` without caring whether a body was present. Node's SDK would give `"404"`;
 * a name is more useful, and the status stays on the error.
 */
export function codeForStatus(status: number, isObject: boolean): string {
  switch (status) {
    case 304:
      return 'NotModified';
    case 400:
      return 'BadRequest';
    case 403:
      return 'AccessDenied';
    case 404:
      return isObject ? 'NoSuchKey' : 'NoSuchBucket';
    case 405:
      return 'MethodNotAllowed';
    case 409:
      return 'Conflict';
    case 412:
      return 'PreconditionFailed';
    case 416:
      return 'InvalidRange';
    case 500:
      return 'InternalError';
    case 501:
      return 'NotImplemented';
    case 503:
      return 'ServiceUnavailable';
    default:
      return String(status);
  }
}

/**
 * Replaces every occurrence of the given secrets in a text. A server may echo request material in a message
 * (a signature, a header value); the client knows which values are secret, so it removes them before the text
 * becomes part of an error. Short values are skipped: redacting a 3-character string would mangle prose.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (s === undefined || s.length < 8) continue;
    out = out.split(s).join('[redacted]');
  }
  return out;
}
