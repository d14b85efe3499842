// Server-side encryption on the wire (cos-protocol.md §4): the typed modes a caller picks become request headers,
// and the echo headers of a response become a typed description. SSE-C keys are turned into base64 key + base64
// MD5 of the raw key here and nowhere else; the returned header objects are the only place they appear, and the
// client registers them as secrets so they are scrubbed from any error text.
import { createHash } from 'node:crypto';

const SSE = 'x-cos-server-side-encryption';
const SSE_C = `${SSE}-customer`;
const COPY_SSE_C = `x-cos-copy-source-server-side-encryption-customer`;

/** What to ask for on an upload or copy destination. */
export type SseRequest =
  | { mode: 'SSE-COS' }
  | { mode: 'SSE-KMS'; keyId?: string; /** Encryption context, sent as base64 of its JSON. */ context?: Record<string, string> }
  | { mode: 'SSE-C'; key: Buffer };

/** What an object or upload says it is encrypted with. */
export type SseInfo =
  | { mode: 'SSE-COS' }
  | { mode: 'SSE-KMS'; keyId: string }
  | { mode: 'SSE-C'; keyMd5: string }
  /** `unrecognized`: an encryption header with a value this client does not know (e.g. a new algorithm). */
  | { mode: 'none'; unrecognized?: string };

export type Headers = Record<string, string>;

function customerKeyHeaders(prefix: string, key: Buffer): Headers {
  if (key.length !== 32) throw new RangeError(`an SSE-C key must be 32 bytes, got ${key.length}`);
  return {
    [`${prefix}-algorithm`]: 'AES256',
    [`${prefix}-key`]: key.toString('base64'),
    [`${prefix}-key-MD5`]: createHash('md5').update(key).digest('base64'),
  };
}

/** Headers for PUT Object, Initiate, and a copy's destination. */
export function sseRequestHeaders(sse: SseRequest | undefined): Headers {
  if (!sse) return {};
  switch (sse.mode) {
    case 'SSE-COS':
      return { [SSE]: 'AES256' };
    case 'SSE-KMS': {
      const h: Headers = { [SSE]: 'cos/kms' };
      if (sse.keyId) h[`${SSE}-cos-kms-key-id`] = sse.keyId;
      if (sse.context) h[`${SSE}-context`] = Buffer.from(JSON.stringify(sse.context), 'utf8').toString('base64');
      return h;
    }
    case 'SSE-C':
      return customerKeyHeaders(SSE_C, sse.key);
    default: {
      const never: never = sse;
      throw new TypeError(`unknown SSE mode ${JSON.stringify(never)}`);
    }
  }
}

/** SSE-C headers for reading (GET/HEAD) or for each Upload Part of an SSE-C upload. */
export function sseCustomerHeaders(key: Buffer | undefined): Headers {
  return key ? customerKeyHeaders(SSE_C, key) : {};
}

/** SSE-C headers naming the key of a copy's source object. */
export function copySourceSseCustomerHeaders(key: Buffer | undefined): Headers {
  return key ? customerKeyHeaders(COPY_SSE_C, key) : {};
}

/** The base64 values of a header set that must never appear in text (the SSE-C key itself). */
export function sseSecrets(headers: Headers): string[] {
  return Object.entries(headers)
    .filter(([name]) => /-customer-key$/i.test(name))
    .map(([, v]) => v);
}

/** Reads the SSE echo of a response (§4.3). */
export function parseSseEcho(get: (lowerName: string) => string | undefined): SseInfo {
  const algo = get(SSE);
  if (algo === 'AES256') return { mode: 'SSE-COS' };
  if (algo === 'cos/kms') return { mode: 'SSE-KMS', keyId: get(`${SSE}-cos-kms-key-id`) ?? '' };
  const customer = get(`${SSE_C}-algorithm`);
  if (customer) return { mode: 'SSE-C', keyMd5: get(`${SSE_C}-key-md5`) ?? '' };
  // An algorithm this client does not know is kept, so no one reports the object as plainly unencrypted.
  return algo ? { mode: 'none', unrecognized: algo } : { mode: 'none' };
}
