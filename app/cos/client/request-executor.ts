// One COS request from start to answer: sign with fresh credentials and the (skew-corrected) clock, send, turn
// error answers into CosServiceError, retry transient failures with backoff when the step may be repeated, and
// re-sign once after adopting the server's clock when the server says our time is off (cos-protocol.md §2.3).
import type { Readable } from 'node:stream';
import { buildAuthorization } from '../signer';
import { cosEncode, cosEncodeKeyPath } from '../cos-url-encode';
import { CosAbortError, CosServiceError, codeForStatus, redact, type CosErrorContext } from './errors';
import type { HttpResponse, HttpTransport } from './http-transport';
import { transportError } from './http-transport';
import { bodyLength, isReplayable, openBody, type BodySource } from './request-body';
import { backoffDelay, isTransient, sleep, type RetryPolicy } from './retry';
import { parseXml, str, node } from './xml-codec';
import type { Endpoints } from './endpoint';

export interface Credentials {
  secretId: string;
  secretKey: string;
  /** STS session token of temporary credentials. */
  sessionToken?: string;
}

export type CredentialsProvider = () => Promise<Credentials>;

export type Method = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';

export interface CosRequest {
  method: Method;
  /** Host header: a bucket's virtual host or the service host. */
  host: string;
  /** Object key (decoded); omitted for bucket and service requests. */
  key?: string;
  /** Decoded query; an undefined value is a bare sub-resource (`?acl`). */
  query?: Record<string, string | undefined>;
  headers?: Record<string, string | undefined>;
  body?: BodySource;
  context: CosErrorContext;
  /** May this step run twice with the same effect? (GET/HEAD/DELETE, PUT of a replayable body.) */
  idempotent: boolean;
  signal?: AbortSignal;
  /** Values that must never appear in an error text (e.g. base64 SSE-C keys in the headers). */
  secrets?: string[];
  /** Copy, Upload Part - Copy, Complete: a 200 may carry an `<Error>` body (§3.3). */
  errorIn200?: boolean;
  /** Read the whole body inside the attempt (XML answers), so a body cut short is retried too. */
  readBody?: boolean;
  /** The key names an object (for bodiless error codes: 404 → NoSuchKey rather than NoSuchBucket). */
  objectScope?: boolean;
}

export interface CosResponse {
  status: number;
  headers: Record<string, string>;
  requestId?: string;
  /** Present when `readBody` was set. */
  text?: string;
  /** The live body when `readBody` was not set; the caller must consume or destroy it. */
  body?: Readable;
}

export interface ExecutorOptions {
  endpoints: Endpoints;
  transport: HttpTransport;
  credentials: CredentialsProvider;
  retry: RetryPolicy;
  /** The local clock in ms; injectable for tests. */
  now: () => number;
  /** Signature lifetime in seconds (default 900 like the Node SDK). */
  signExpirySeconds: number;
  random?: () => number;
}

/** Skew smaller than this is left alone, as the Node SDK does. */
const SKEW_THRESHOLD_MS = 30_000;
const MAX_ERROR_BODY = 1 << 20;

export class RequestExecutor {
  /** Server time minus local time, learned from a skew error. */
  private clockOffsetMs = 0;

  constructor(private readonly opts: ExecutorOptions) {}

  get retryPolicy(): RetryPolicy {
    return this.opts.retry;
  }

  /** The client's idea of the current time in ms (local clock plus any learned offset). */
  nowMs(): number {
    return this.opts.now() + this.clockOffsetMs;
  }

  get clockOffset(): number {
    return this.clockOffsetMs;
  }

  async send(req: CosRequest): Promise<CosResponse> {
    const replayable = req.idempotent && isReplayable(req.body);
    let skewRetried = false;
    for (let attempt = 1; ; attempt++) {
      if (req.signal?.aborted) throw new CosAbortError('The operation was aborted');
      try {
        return await this.attempt(req);
      } catch (err) {
        if (err instanceof CosAbortError) throw err;
        // A skewed clock is fixed by re-signing, so even non-idempotent steps may go again: the server refused
        // the request before acting on it. A consumed stream cannot be sent twice, though.
        if (!skewRetried && isReplayable(req.body) && err instanceof CosServiceError && this.adoptServerClock(err, req.method)) {
          skewRetried = true;
          attempt--;
          continue;
        }
        if (!replayable || attempt >= this.opts.retry.attempts || !isTransient(err)) throw err;
        await sleep(backoffDelay(this.opts.retry, attempt - 1, this.opts.random), req.signal);
      }
    }
  }

  /** Adopts the server's clock when the error is a skew error and the `Date` header is far from ours. */
  private adoptServerClock(err: CosServiceError, method: Method): boolean {
    // A HEAD error has no body, so its 403 cannot say "Request has expired"; a Date far from ours is then the
    // only evidence, and it is strong enough: re-signing costs one request, and only once.
    const expired = /request has expired/i.test(err.serviceMessage) || (method === 'HEAD' && err.serviceMessage === '');
    const skewError = err.code === 'RequestTimeTooSkewed' || (err.code === 'AccessDenied' && expired);
    if (!skewError || !err.serverDate) return false;
    const serverMs = Date.parse(err.serverDate);
    if (Number.isNaN(serverMs)) return false;
    const offset = serverMs - this.opts.now();
    if (Math.abs(offset - this.clockOffsetMs) < SKEW_THRESHOLD_MS) return false;
    this.clockOffsetMs = offset;
    return true;
  }

  /** Path + query exactly as sent; the signature covers the decoded forms. */
  static target(key: string | undefined, query: Record<string, string | undefined> | undefined): string {
    const path = key === undefined ? '/' : cosEncodeKeyPath(key);
    const qs = Object.entries(query ?? {})
      .map(([k, v]) => (v === undefined ? cosEncode(k) : `${cosEncode(k)}=${cosEncode(v)}`))
      .join('&');
    return qs ? `${path}?${qs}` : path;
  }

  /** Signs a request for the current (corrected) time; returns the Authorization value. */
  sign(
    creds: Credentials,
    method: string,
    key: string | undefined,
    query: Record<string, string | undefined> | undefined,
    headers: Record<string, string>,
    expiresSeconds = this.opts.signExpirySeconds,
  ): string {
    return buildAuthorization({
      secretId: creds.secretId,
      secretKey: creds.secretKey,
      method,
      pathname: key === undefined ? '/' : `/${key}`,
      query: query ?? {},
      headers,
      // now − 1 s like the SDKs, so a server a moment behind us still accepts the start.
      startTime: Math.floor(this.nowMs() / 1000) - 1,
      expiresSeconds,
    });
  }

  private async attempt(req: CosRequest): Promise<CosResponse> {
    const creds = await this.opts.credentials();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;
    headers.host = req.host;
    const length = bodyLength(req.body);
    if (length !== undefined && (req.method === 'PUT' || req.method === 'POST')) headers['content-length'] = String(length);
    // Signed like the Go and Python SDKs do (it is an x-cos-* header), so it cannot be swapped in transit.
    if (creds.sessionToken) headers['x-cos-security-token'] = creds.sessionToken;
    const authorization = this.sign(creds, req.method, req.key, req.query, headers);
    const secrets = [creds.secretKey, creds.sessionToken, /q-signature=([0-9a-f]+)/.exec(authorization)?.[1], ...(req.secrets ?? [])];
    const { origin } = this.opts.endpoints.address(req.host);
    const context = { ...req.context, method: req.method };
    const res = await this.opts.transport.send(
      {
        origin,
        method: req.method,
        path: RequestExecutor.target(req.key, req.query),
        headers: { ...headers, authorization },
        body: openBody(req.body),
        signal: req.signal,
      },
      context,
    );
    const requestId = res.headers['x-cos-request-id'];
    if (res.status >= 300) throw await this.errorFrom(res, req, secrets);
    if (!req.readBody && !req.errorIn200) return { status: res.status, headers: res.headers, requestId, body: res.body };
    const text = await readAll(res.body, Infinity, req.signal, context);
    if (req.errorIn200) {
      const doc = await safeParse(text);
      if (doc && 'Error' in doc) throw serviceError(res, node(doc.Error), req, secrets, true);
    }
    return { status: res.status, headers: res.headers, requestId, text };
  }

  private async errorFrom(res: HttpResponse, req: CosRequest, secrets: (string | undefined)[]): Promise<Error> {
    let text = '';
    if (req.method !== 'HEAD') {
      try {
        text = await readAll(res.body, MAX_ERROR_BODY, req.signal, req.context);
      } catch (err) {
        // The error body broke off: the status still tells what happened, unless it was an abort.
        if (err instanceof CosAbortError) return err;
      }
    } else {
      res.body.resume();
    }
    const doc = await safeParse(text);
    return serviceError(res, node(doc?.Error), req, secrets, false);
  }
}

function serviceError(res: HttpResponse, e: Record<string, unknown>, req: CosRequest, secrets: (string | undefined)[], in200: boolean) {
  const code = str(e.Code) || codeForStatus(res.status, req.objectScope ?? req.key !== undefined);
  return new CosServiceError({
    code: redact(code, secrets),
    status: res.status,
    message: redact(str(e.Message) ?? '', secrets),
    requestId: str(e.RequestId) || res.headers['x-cos-request-id'],
    traceId: str(e.TraceId) || res.headers['x-cos-trace-id'],
    resource: e.Resource === undefined ? undefined : redact(str(e.Resource) ?? '', secrets),
    serverDate: res.headers.date,
    in200,
    context: req.context,
  });
}

async function safeParse(text: string): Promise<Record<string, unknown> | undefined> {
  try {
    return await parseXml(text);
  } catch {
    return undefined;
  }
}

async function readAll(body: Readable, limit: number, signal: AbortSignal | undefined, context: CosErrorContext): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      total += (chunk as Buffer).length;
      if (total <= limit) chunks.push(chunk as Buffer);
    }
  } catch (err) {
    // A body that breaks off is a transport failure, so the retry loop treats it like a reset.
    throw transportError(err, signal, context);
  }
  return Buffer.concat(chunks).toString('utf8');
}
