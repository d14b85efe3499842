// The encryption cell of an object row (architecture.md, journey 2): what an object is encrypted with, from a
// HEAD, answered from an LRU cache when the same version (bucket, key, ETag, Last-Modified) was asked before.
// HEADs wait in a queue so at most `concurrency` are in flight however many rows scroll into view, and two asks
// for the same version share one HEAD. A HEAD of an SSE-C object without its key is a 400 (cos-protocol.md
// §4.5): that is the answer "SSE-C, key needed", not an error.
import { CosServiceError, type CosClient, type ObjectInfo } from '../cos/client';
import { LruCache } from './encryption-status-lru';

export type EncryptionStatus =
  | { mode: 'SSE-COS' }
  | { mode: 'SSE-KMS'; keyId: string }
  /** `keyMd5` is absent when the object was HEADed without its key (the key is needed to read it). */
  | { mode: 'SSE-C'; keyMd5?: string }
  | { mode: 'none' }
  | { mode: 'unknown'; error: { code: string; message: string; status?: number } };

/** The version a listing showed; a different ETag or Last-Modified is a different cache entry. */
export interface ObjectVersion {
  etag?: string;
  lastModified?: string | Date;
}

export interface StatusRequest extends ObjectVersion {
  bucket: string;
  key: string;
}

export interface EncryptionStatusOptions {
  /** HEADs in flight at most (default 8). */
  concurrency?: number;
  /** Versions remembered (default 10,000). */
  cacheSize?: number;
  region?: string;
}

export class EncryptionStatusService {
  private readonly cache: LruCache<string, EncryptionStatus>;
  private readonly inFlight = new Map<string, Promise<EncryptionStatus>>();
  private readonly waiting: Array<() => void> = [];
  private active = 0;
  private readonly concurrency: number;
  /** HEADs sent and answers served from the cache, for diagnostics and tests. */
  readonly stats = { heads: 0, cacheHits: 0, shared: 0 };

  constructor(
    private readonly client: CosClient,
    private readonly opts: EncryptionStatusOptions = {},
  ) {
    this.concurrency = Math.max(1, Math.floor(opts.concurrency ?? 8));
    this.cache = new LruCache(opts.cacheSize ?? 10_000);
  }

  get(bucket: string, key: string, version: ObjectVersion = {}): Promise<EncryptionStatus> {
    const id = cacheKey(bucket, key, version);
    const cached = this.cache.get(id);
    if (cached) {
      this.stats.cacheHits++;
      return Promise.resolve(cached);
    }
    const pending = this.inFlight.get(id);
    if (pending) {
      this.stats.shared++;
      return pending;
    }
    const p = this.lookUp(bucket, key, version, id).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, p);
    return p;
  }

  /** Statuses in the order asked; duplicates share a HEAD. Never rejects: failures are `unknown` entries. */
  getMany(items: readonly StatusRequest[]): Promise<EncryptionStatus[]> {
    return Promise.all(items.map((i) => this.get(i.bucket, i.key, i)));
  }

  /** Forgets a bucket's (or one key's) cached statuses, e.g. after encrypting in place. */
  invalidate(bucket: string, key?: string): void {
    const prefix = key === undefined ? `${JSON.stringify(bucket)},` : `${JSON.stringify(bucket)},${JSON.stringify(key)},`;
    this.cache.deleteWhere((k) => k.startsWith(`[${prefix}`));
  }

  clear(): void {
    this.cache.clear();
  }

  private async lookUp(bucket: string, key: string, version: ObjectVersion, id: string): Promise<EncryptionStatus> {
    await this.slot();
    let status: EncryptionStatus;
    let head: ObjectInfo | undefined;
    try {
      this.stats.heads++;
      head = await this.client.headObject(bucket, key, { region: this.opts.region });
      status = statusOfHead(head);
    } catch (e) {
      status = statusOfFailure(e);
    } finally {
      this.release();
    }
    // Cache only what describes the version asked about: not a failure (it may pass), and not a newer version
    // the HEAD found (its ETag differs from the listing's).
    const sameVersion = !head || !version.etag || head.etag === version.etag;
    if (status.mode !== 'unknown' && sameVersion) this.cache.set(id, status);
    return status;
  }

  private slot(): Promise<void> {
    if (this.active < this.concurrency) {
      this.active++;
      return Promise.resolve();
    }
    // The slot is handed over by release(), so `active` never drops below the number really running.
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

function cacheKey(bucket: string, key: string, v: ObjectVersion): string {
  // Listings say `2024-01-02T03:04:05.000Z`, HEADs say `Tue, 02 Jan 2024 03:04:05 GMT`: one form for both.
  const d = v.lastModified instanceof Date ? v.lastModified : v.lastModified ? new Date(v.lastModified) : undefined;
  const lm = d === undefined ? '' : Number.isNaN(d.getTime()) ? String(v.lastModified) : d.toISOString();
  return JSON.stringify([bucket, key, v.etag ?? '', lm]);
}

/**
 * The value of an encryption header this client does not know (a new algorithm, e.g. SM4), which parses as "none":
 * an audit must not call such an object unencrypted because it is encrypted differently.
 */
export function unrecognizedEncryption(head: ObjectInfo): string | undefined {
  return head.encryption.mode === 'none' ? head.encryption.unrecognized : undefined;
}

/** What a HEAD says; an unrecognized algorithm is `unknown`, never "none". */
function statusOfHead(head: ObjectInfo): EncryptionStatus {
  const declared = unrecognizedEncryption(head);
  if (declared) {
    return { mode: 'unknown', error: { code: 'UnrecognizedEncryption', message: `the server reports encryption "${declared}", which Coffer does not recognize` } };
  }
  return head.encryption;
}

function statusOfFailure(e: unknown): EncryptionStatus {
  if (e instanceof CosServiceError) {
    if (e.status === 400) return { mode: 'SSE-C' };
    return { mode: 'unknown', error: { code: e.code, message: e.message, status: e.status } };
  }
  const err = e as { code?: unknown; message?: unknown; name?: unknown };
  return { mode: 'unknown', error: { code: typeof err?.code === 'string' ? err.code : String(err?.name ?? 'Error'), message: String(err?.message ?? e) } };
}
