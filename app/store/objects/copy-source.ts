// The source side of PUT Object - Copy and Upload Part - Copy: parsing `x-cos-copy-source`, checking that the
// caller may read the source (and holds its SSE-C key), and reading a plaintext byte range of it. Shared by both
// copy handlers so that they cannot disagree on what a copy source is or who may read one.
import type { DataHandle } from '../meta/data-handle';
import { authorizeReadObject, missingObjectError } from '../http/access';
import { CosError } from '../http/cos-error';
import type { BucketRecord, ObjectRecord } from '../meta/metadata-db';
import type { CustomerKey } from '../sse/customer-key';
import { SseIntegrityError } from '../sse/sse-data-format';
import type { HandlerContext } from '../handlers/context';
import { validateObjectKey } from '../handlers/context';
import { openDataFiles, readObjectRange } from './data-reader';
import { kekSourceFor, openObjectKey } from './object-encryption';
import { readCustomerKey, type SseRecord } from './sse-request';

export interface CopySource {
  bucket: string;
  key: string;
  /** Region named by the host form, when it named one (informational: buckets are looked up by name). */
  region?: string;
}

export interface OpenedSource {
  bucket: BucketRecord;
  /** The source version the caller checks conditions and ranges against. */
  rec: ObjectRecord;
  /** Plaintext of [start, end] (inclusive; end < start for an empty source), decrypted and authenticated. */
  open(start: number, end: number): Promise<AsyncGenerator<Buffer>>;
}

const FORMAT_MESSAGE = 'x-cos-copy-source must be <bucket>-<appid>.cos.<region>.myqcloud.com/<key>';

// <bucket>-<appid>.cos.<region>.<any domain, optionally :port>/<key>: the SDKs accept only myqcloud.com and
// tencentcos.cn, but a client of this store may name it by its own domain.
const HOST_FORM = /^([a-z0-9][a-z0-9-]*-\d+)\.cos(?:v6|-internal|-cdc)?\.([a-z0-9-]+)\.[^/]+\/(.+)$/;
// /<bucket>-<appid>/<key> (path style, as curl users and some S3 tools write it)
const PATH_FORM = /^\/([a-z0-9][a-z0-9-]*-\d+)\/(.+)$/;

/**
 * Parses `x-cos-copy-source`. The key is percent-decoded (a literal `/` may stay unencoded); `?versionId=null`
 * is accepted (this store keeps one version per key), any other version id is refused.
 */
export function parseCopySource(header: string): CopySource {
  let value = header.trim().replace(/^https?:\/\//i, '');
  const q = value.indexOf('?');
  if (q >= 0) {
    const params = new URLSearchParams(value.slice(q + 1));
    value = value.slice(0, q);
    const versionId = params.get('versionId');
    if (versionId !== null && versionId !== 'null' && versionId !== '') {
      throw new CosError('InvalidArgument', `The copy source version "${versionId}" does not exist: this store does not keep object versions.`);
    }
  }
  const host = HOST_FORM.exec(value);
  const path = host ? null : PATH_FORM.exec(value);
  const m = host ? { bucket: host[1]!, region: host[2], rawKey: host[3]! } : path ? { bucket: path[1]!, region: undefined, rawKey: path[2]! } : null;
  if (!m) throw new CosError('InvalidArgument', FORMAT_MESSAGE);
  let key: string;
  try {
    key = decodeURIComponent(m.rawKey);
  } catch {
    throw new CosError('InvalidArgument', `${FORMAT_MESSAGE} (the key could not be URL-decoded).`);
  }
  validateObjectKey(key);
  return m.region === undefined ? { bucket: m.bucket, key } : { bucket: m.bucket, key, region: m.region };
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}

/**
 * Looks up a copy source and checks the caller may read it: signed, or anonymous on a public, unencrypted object
 * (COS never serves encrypted data anonymously). An SSE-C source needs its key under `customerPrefix`
 * (missing → 400, wrong → 403); SSE-C headers for an unencrypted source are refused like on GET.
 */
export async function readSource(ctx: HandlerContext, src: { bucket: string; key: string }, customerPrefix: string): Promise<OpenedSource> {
  const { store, principal } = ctx;
  const bucket = store.meta.getBucket(src.bucket);
  if (!bucket) throw new CosError('NoSuchBucket', `The copy source bucket ${src.bucket} does not exist.`);
  const customer = readCustomerKey(ctx.req.headers, customerPrefix);

  const lookup = (): ObjectRecord => {
    const rec = store.meta.getObject(bucket.name, src.key);
    if (!rec) throw missingObjectError(principal, bucket);
    authorizeReadObject(principal, bucket, rec);
    checkSourceKey(rec, ctx, customer);
    return rec;
  };

  const result: OpenedSource = {
    bucket,
    rec: lookup(),
    async open(start: number, end: number) {
      // A concurrent overwrite may delete the data files between the metadata read and the open (as on GET). A
      // retry may only read a version with the same content: the caller checked conditions and the range
      // against `rec`, so a different version means the copy must be retried as a whole.
      for (let attempt = 0; ; attempt++) {
        const rec = attempt === 0 ? result.rec : lookup();
        if (attempt > 0 && (rec.etag !== result.rec.etag || rec.size !== result.rec.size)) {
          throw new CosError('SlowDown', 'The copy source changed while it was being read; retry the request.', { status: 503 });
        }
        let handles;
        try {
          handles = await openDataFiles(store, rec, start, end);
        } catch (err) {
          if (isNotFound(err) && attempt < 3) continue;
          throw err;
        }
        const sse = rec.sse as SseRecord | null;
        let oek: Buffer | null = null;
        try {
          oek = sse ? openObjectKey(sse, store.wrapContext(rec), store.keys, customer) : null;
        } catch (err) {
          for (const fh of handles.values()) await fh.close().catch(() => undefined);
          throw err;
        }
        result.rec = rec;
        const keyInfo = oek && sse ? { oek, objectId: Buffer.from(sse.objectId, 'base64') } : null;
        return guarded(ctx, rec, handles, readObjectRange(rec, handles, keyInfo, start, end), oek);
      }
    },
  };
  return result;
}

function checkSourceKey(rec: ObjectRecord, ctx: HandlerContext, customer: CustomerKey | null): void {
  const sse = rec.sse as SseRecord | null;
  if (sse) {
    kekSourceFor(sse, ctx.store.keys, customer);
  } else if (customer) {
    throw new CosError('InvalidRequest', 'The copy source is not encrypted with a customer-provided key; do not send x-cos-copy-source-server-side-encryption-customer-* headers.');
  }
}

/**
 * The source plaintext, with two guarantees the bare reader lacks: damaged source data becomes a clean COS error
 * (plus a log line), and the OEK is wiped and the files closed even when the caller drops the generator before
 * its first read (a not-yet-started generator runs no `finally`, so return() on it is handled here).
 */
function guarded(ctx: HandlerContext, rec: ObjectRecord, handles: Map<string, DataHandle>, body: AsyncGenerator<Buffer>, oek: Buffer | null): AsyncGenerator<Buffer> {
  let started = false;
  const inner = (async function* () {
    try {
      yield* body;
    } catch (err) {
      if (err instanceof SseIntegrityError) {
        ctx.store.config.log(`copy source ${rec.bucket}/${rec.key} is damaged: ${err.message}`);
        throw new CosError('InternalError', 'The copy source failed its integrity check and cannot be copied.');
      }
      throw err;
    } finally {
      oek?.fill(0);
    }
  })();
  const releaseUnstarted = async () => {
    if (started) return;
    started = true;
    for (const fh of handles.values()) await fh.close().catch(() => undefined);
    oek?.fill(0);
  };
  const gen: AsyncGenerator<Buffer> = {
    next: (...args: [] | [unknown]) => {
      started = true;
      return inner.next(...args);
    },
    return: async (value) => {
      await releaseUnstarted();
      return inner.return(value);
    },
    throw: async (err) => {
      await releaseUnstarted();
      return inner.throw(err);
    },
    [Symbol.asyncIterator]() {
      return gen;
    },
  };
  return gen;
}
