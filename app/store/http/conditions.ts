// HTTP preconditions and byte ranges (RFC 9110/7233 as S3 and COS apply them).
import { CosError } from './cos-error';

export interface Validators {
  etag: string; // without quotes
  lastModified: number; // ms
}

export type ConditionOutcome = 'ok' | 'not-modified';

function etagListMatches(list: string, etag: string): boolean {
  return list.split(',').some((t) => {
    const v = t.trim().replace(/^W\//, '');
    return v === '*' || v.replace(/^"|"$/g, '') === etag;
  });
}

function parseHttpDate(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/** Seconds resolution: Last-Modified is sent with whole seconds. */
const sec = (ms: number) => Math.floor(ms / 1000);

/**
 * GET/HEAD preconditions. If-Match / If-Unmodified-Since failures are 412; If-None-Match / If-Modified-Since
 * matches are 304 ('not-modified'). Order per RFC 9110 §13.2.2.
 */
export function evaluateConditions(h: { ifMatch?: string; ifNoneMatch?: string; ifModifiedSince?: string; ifUnmodifiedSince?: string }, v: Validators): ConditionOutcome {
  if (h.ifMatch !== undefined) {
    if (!etagListMatches(h.ifMatch, v.etag)) throw new CosError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold.');
  } else {
    const ius = parseHttpDate(h.ifUnmodifiedSince);
    if (ius !== undefined && sec(v.lastModified) > sec(ius)) {
      throw new CosError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold.');
    }
  }
  if (h.ifNoneMatch !== undefined) {
    if (etagListMatches(h.ifNoneMatch, v.etag)) return 'not-modified';
  } else {
    const ims = parseHttpDate(h.ifModifiedSince);
    if (ims !== undefined && sec(v.lastModified) <= sec(ims)) return 'not-modified';
  }
  return 'ok';
}

/** Copy-source preconditions (x-cos-copy-source-If-*): every failure is 412. */
export function evaluateCopySourceConditions(h: { ifMatch?: string; ifNoneMatch?: string; ifModifiedSince?: string; ifUnmodifiedSince?: string }, v: Validators): void {
  const fail = () => {
    throw new CosError('PreconditionFailed', 'At least one of the copy-source pre-conditions you specified did not hold.');
  };
  if (h.ifMatch !== undefined && !etagListMatches(h.ifMatch, v.etag)) fail();
  if (h.ifNoneMatch !== undefined && etagListMatches(h.ifNoneMatch, v.etag)) fail();
  const ius = parseHttpDate(h.ifUnmodifiedSince);
  if (ius !== undefined && sec(v.lastModified) > sec(ius)) fail();
  const ims = parseHttpDate(h.ifModifiedSince);
  if (ims !== undefined && sec(v.lastModified) <= sec(ims)) fail();
}

export interface ByteRange {
  start: number;
  end: number; // inclusive
}

/**
 * Parses a single `bytes=` range against the object size. Returns undefined when the header is absent, not a
 * bytes range, or a multi-range (served whole, as S3 does). Unsatisfiable ranges are 416 InvalidRange.
 */
export function parseRange(value: string | undefined, size: number): ByteRange | undefined {
  if (!value) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m) return undefined;
  const [, a, b] = m;
  const unsatisfiable = () =>
    new CosError('InvalidRange', 'The requested range is not satisfiable.', { headers: { 'Content-Range': `bytes */${size}` } });
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (b !== '' && Number(b) < start) return undefined; // syntactically invalid: ignore, serve whole
  if (start >= size) throw unsatisfiable();
  return { start, end };
}

/** `bytes=first-last` of x-cos-copy-source-range (both required). */
export function parseCopySourceRange(value: string | undefined, size: number): ByteRange | undefined {
  if (value === undefined) return undefined;
  const m = /^bytes=(\d+)-(\d+)$/.exec(value.trim());
  if (!m) throw new CosError('InvalidArgument', 'x-cos-copy-source-range must be bytes=first-last.');
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start || end >= size) throw new CosError('InvalidArgument', `x-cos-copy-source-range ${value} is outside the source object (size ${size}).`);
  return { start, end };
}
