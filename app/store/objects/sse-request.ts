// Which encryption a write asks for: the request's SSE headers (or POST form fields), else the bucket's default
// rule, else none. Also the region rule and the response echo for stored objects.
import { CosError } from '../http/cos-error';
import { parseCustomerKey, type CustomerKey } from '../sse/customer-key';
import { parseKmsContext } from '../sse/local-kms';
import type { BucketRecord } from '../meta/metadata-db';

export type SseRequest =
  | { mode: 'none' }
  | { mode: 'AES256' }
  | { mode: 'cos/kms'; kmsKeyId?: string; context?: string }
  | { mode: 'SSE-C'; customer: CustomerKey };

/** What the store keeps (plaintext JSON in the metadata row) about an encrypted object or upload. */
export interface SseRecord {
  mode: 'AES256' | 'cos/kms' | 'SSE-C';
  /** base64 of the 16-byte object id bound into every data file header. */
  objectId: string;
  /** Wrap label: `master:<kid>`, `kms:<keyId>` or `ssec`. */
  label: string;
  salt: string;
  wrapped: string;
  kmsKeyId?: string;
  kmsContext?: string;
  customerKeyMd5?: string;
  customerFp?: { salt: string; hmac: string };
  /** SSE-C multipart object completed without the customer key: still wrapped for this upload (multipart-complete.ts). */
  uploadId?: string;
}

export type HeaderBag = Record<string, string | string[] | undefined>;

const SSE = 'x-cos-server-side-encryption';
const CUSTOMER_PREFIX = 'x-cos-server-side-encryption-customer-';
export const COPY_SOURCE_CUSTOMER_PREFIX = 'x-cos-copy-source-server-side-encryption-customer-';

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Parses the SSE part of a write request (headers, or POST form fields with the same lowercase names). */
export function parseSseRequest(headers: HeaderBag): SseRequest | undefined {
  const alg = single(headers[SSE]);
  const customer = parseCustomerKey(headers, CUSTOMER_PREFIX);
  if (alg !== undefined && customer) {
    throw new CosError('InvalidArgument', 'Server-side encryption (x-cos-server-side-encryption) and customer-provided keys (SSE-C) cannot be used together.');
  }
  if (customer) return { mode: 'SSE-C', customer };
  if (alg === undefined) {
    if (headers[`${SSE}-cos-kms-key-id`] !== undefined || headers[`${SSE}-context`] !== undefined) {
      throw new CosError('InvalidArgument', 'x-cos-server-side-encryption-cos-kms-key-id and -context require x-cos-server-side-encryption: cos/kms.');
    }
    return undefined;
  }
  if (alg === 'AES256') return { mode: 'AES256' };
  if (alg === 'cos/kms') {
    const kmsKeyId = single(headers[`${SSE}-cos-kms-key-id`]) || undefined;
    const context = parseKmsContext(single(headers[`${SSE}-context`]) || undefined);
    return { mode: 'cos/kms', kmsKeyId, context };
  }
  throw new CosError('InvalidArgument', `The x-cos-server-side-encryption value "${alg}" is not supported; use AES256 or cos/kms.`);
}

/** SSE headers are for writes; COS refuses them on GET/HEAD (SSE-C key headers are allowed there). */
export function refuseSseOnRead(headers: HeaderBag): void {
  for (const name of [SSE, `${SSE}-cos-kms-key-id`, `${SSE}-context`]) {
    if (headers[name] !== undefined) {
      throw new CosError('SSEHeaderNotAllowed', `The ${name} header cannot be specified when downloading an object.`);
    }
  }
}

/** The encryption a write gets: explicit request, else the bucket default, else none. */
export function effectiveSse(requested: SseRequest | undefined, bucket: BucketRecord): SseRequest {
  if (requested) return requested;
  const rule = bucket.encryption;
  if (!rule) return { mode: 'none' };
  return rule.algorithm === 'KMS' ? { mode: 'cos/kms', kmsKeyId: rule.kmsKeyId } : { mode: 'AES256' };
}

export function checkSseRegion(region: string, allowed: string[]): void {
  if (!allowed.includes(region)) {
    throw new CosError(
      'InvalidArgument',
      `Server-side encryption is not supported in region ${region}; it is supported in: ${allowed.join(', ')}.`,
    );
  }
}

/** Response headers that tell the client how an object (or upload) is encrypted. */
export function sseEchoHeaders(sse: SseRecord | null | undefined): Record<string, string> {
  if (!sse) return {};
  switch (sse.mode) {
    case 'AES256':
      return { [SSE]: 'AES256' };
    case 'cos/kms':
      return { [SSE]: 'cos/kms', [`${SSE}-cos-kms-key-id`]: sse.kmsKeyId ?? '' };
    case 'SSE-C':
      return { [`${CUSTOMER_PREFIX}algorithm`]: 'AES256', [`${CUSTOMER_PREFIX}key-MD5`]: sse.customerKeyMd5 ?? '' };
    default: {
      const never: never = sse.mode;
      throw new Error(`unknown SSE mode ${String(never)}`);
    }
  }
}

export function readCustomerKey(headers: HeaderBag, prefix = CUSTOMER_PREFIX): CustomerKey | null {
  return parseCustomerKey(headers, prefix);
}
