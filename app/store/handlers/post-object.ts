// POST Object (cos-protocol §8): browser form uploads. Signature, expiry and policy conditions are checked
// against the fields that precede the file, before a byte of it is written; the file then streams through the
// same write path as PUT. The size range and the "file is the last field" rule can only be judged once the body
// has been read, so they are checked before the commit: a refused upload stores nothing.
import { cosEncodeKeyPath } from '../../cos/cos-url-encode';
import { authorizeWrite } from '../http/access';
import type { Principal } from '../http/auth';
import { CosError } from '../http/cos-error';
import { readPostForm, type PostForm } from '../http/post-form';
import { sendEmpty, sendXml } from '../http/respond';
import type { ObjectRecord } from '../meta/metadata-db';
import { writeObject } from '../objects/object-writes';
import { checkPolicyConditions, verifyPostSignature, type FormFields, type SizeRange } from '../objects/post-policy';
import { effectiveSse, parseSseRequest, sseEchoHeaders, type SseRecord } from '../objects/sse-request';
import { header, metadataFrom, parseCannedAcl, parseContentMd5, quoteEtag, requireBucket, validateObjectKey, type HandlerContext } from './context';

/** Form fields that become stored object headers (besides x-cos-meta-*). */
const HEADER_FIELDS = new Set(['content-type', 'cache-control', 'content-disposition', 'content-encoding', 'content-language', 'expires', 'x-cos-storage-class']);

/**
 * The header-bound fields, as a PUT would have delivered them. Unlike real headers, form values may hold CR/LF
 * (which would break every later GET of the object) and are decoded as UTF-8, while Node hands header bytes over
 * as latin1: store the UTF-8 bytes the same way so GET returns them as sent.
 */
function headerFields(fields: FormFields): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of fields) {
    if (!HEADER_FIELDS.has(name) && !name.startsWith('x-cos-meta-')) continue;
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) {
      throw new CosError('InvalidArgument', `The form field "${name}" contains control characters, which an object header cannot carry.`);
    }
    out[name] = Buffer.from(value, 'utf8').toString('latin1');
  }
  return out;
}

type Outcome = { kind: 'redirect'; url: URL } | { kind: 'status'; status: 200 | 201 | 204 };

/** success_action_redirect wins over success_action_status (which COS limits to 200, 201, 204; default 204). */
function outcomeOf(fields: FormFields): Outcome {
  const redirect = fields.get('success_action_redirect');
  if (redirect !== undefined && redirect !== '') {
    let url: URL;
    try {
      url = new URL(redirect);
    } catch {
      throw new CosError('InvalidArgument', 'success_action_redirect must be an absolute http(s) URL.');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CosError('InvalidArgument', 'success_action_redirect must be an absolute http(s) URL.');
    return { kind: 'redirect', url };
  }
  const status = fields.get('success_action_status');
  return { kind: 'status', status: status === '200' ? 200 : status === '201' ? 201 : 204 };
}

/** `<url>?bucket=…&key=…&etag=…` (appended to any query the URL has; a fragment stays last). */
function redirectLocation(url: URL, bucket: string, key: string, etag: string): string {
  const target = new URL(url.href);
  const hash = target.hash;
  target.hash = '';
  const base = target.href;
  const sep = target.search === '' ? (base.endsWith('?') ? '' : '?') : '&';
  const enc = encodeURIComponent;
  return `${base}${sep}bucket=${enc(bucket)}&key=${enc(key)}&etag=${enc(etag)}${hash}`;
}

/** The new object's URL as the client addressed the bucket (virtual host, or path style with the bucket). */
function objectLocation(ctx: HandlerContext, bucket: string, key: string): string {
  const scheme = ctx.store.config.tls ? 'https' : 'http';
  const host = header(ctx, 'host') ?? ctx.target.hostname;
  const path = ctx.target.style === 'virtual' ? cosEncodeKeyPath(key) : `/${bucket}${cosEncodeKeyPath(key)}`;
  return `${scheme}://${host}${path}`;
}

/**
 * The file as the write path reads it. The policy's size range is enforced while it streams (too large stops at
 * the first byte over), and the end of the file is held back until the whole form has parsed, so a field or a
 * second file after it fails the write before its commit.
 */
async function* fileBody(form: PostForm, range: SizeRange | undefined): AsyncGenerator<Buffer> {
  let size = 0;
  try {
    for await (const chunk of form.file as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (range && size > range.max) {
        throw new CosError('EntityTooLarge', `Your proposed upload exceeds the maximum size the policy allows (${range.max} bytes).`);
      }
      yield chunk;
    }
  } catch (err) {
    if (err instanceof CosError) throw err;
    throw new CosError('MalformedPOSTRequest', `The file part could not be read: ${(err as Error).message}.`);
  }
  await form.done;
  if (range && size < range.min) {
    throw new CosError('EntityTooSmall', `Your proposed upload is smaller than the minimum size the policy allows (${range.min} bytes).`);
  }
}

export async function postObject(ctx: HandlerContext): Promise<void> {
  const bucket = requireBucket(ctx);
  const form = await readPostForm(ctx.req);
  const { fields } = form;
  let rec: ObjectRecord;
  let key: string;
  let outcome: Outcome;
  try {
    const signed = verifyPostSignature(fields, ctx.store.config.credentials, ctx.store.config.clockSkewSeconds);
    const principal: Principal = signed ? { kind: 'signed', secretId: signed.secretId } : ctx.principal;
    authorizeWrite(principal, bucket);

    const rawKey = fields.get('key');
    if (rawKey === undefined || rawKey === '') throw new CosError('InvalidArgument', 'Bucket POST must contain a field named "key".');
    key = rawKey.split('${filename}').join(form.filename);
    validateObjectKey(key);
    const range = signed ? checkPolicyConditions(signed.policy, fields, { bucket: bucket.name, key }) : undefined;

    const meta = metadataFrom(headerFields(fields));
    const acl = parseCannedAcl(fields.get('x-cos-acl') ?? fields.get('acl'), false) ?? 'default';
    const sse = effectiveSse(parseSseRequest(Object.fromEntries(fields)), bucket);
    const contentMd5 = parseContentMd5(fields.get('content-md5'));
    outcome = outcomeOf(fields);

    rec = await writeObject(ctx.store, { bucket, key, source: fileBody(form, range), sse, meta, acl, contentMd5 });
  } catch (err) {
    await form.abandon();
    throw err;
  }

  const etag = quoteEtag(rec.etag);
  const location = objectLocation(ctx, bucket.name, key);
  const headers: Record<string, string> = {
    ...ctx.base,
    ETag: etag,
    Location: location,
    'x-cos-hash-crc64ecma': rec.crc64 ?? '',
    ...sseEchoHeaders(rec.sse as SseRecord | null),
  };
  if (outcome.kind === 'redirect') {
    sendEmpty(ctx.res, 303, { ...headers, Location: redirectLocation(outcome.url, bucket.name, key, etag) });
  } else if (outcome.status === 201) {
    sendXml(ctx.res, 201, 'PostResponse', { Location: location, Bucket: bucket.name, Key: key, ETag: etag }, headers);
  } else {
    sendEmpty(ctx.res, outcome.status, headers);
  }
}
