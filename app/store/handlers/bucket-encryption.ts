// PUT / GET / DELETE Bucket encryption (?encryption): the default encryption applied to writes that carry no
// SSE header. Subject to the same region rule as every SSE request.
import { createHash, timingSafeEqual } from 'node:crypto';
import { requireSigned } from '../http/access';
import { CosError } from '../http/cos-error';
import { sendEmpty, sendXml } from '../http/respond';
import { parseXmlBody, xmlText } from '../http/xml';
import type { BucketEncryption } from '../meta/metadata-db';
import { checkSseRegion } from '../objects/sse-request';
import { header, parseContentMd5, readSmallBody, requireBucket, type HandlerContext } from './context';

export async function putBucketEncryption(ctx: HandlerContext): Promise<void> {
  requireSigned(ctx.principal);
  const bucket = requireBucket(ctx);
  const md5 = parseContentMd5(header(ctx, 'content-md5'));
  const raw = await readSmallBody(ctx.req);
  if (md5 && !timingSafeEqual(md5, createHash('md5').update(raw).digest())) {
    throw new CosError('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  const doc = parseXmlBody(raw.toString('utf8'), 'ServerSideEncryptionConfiguration');
  const rules = Array.isArray(doc.Rule) ? (doc.Rule as Array<Record<string, unknown>>) : [];
  if (rules.length !== 1) throw new CosError('MalformedXML', 'ServerSideEncryptionConfiguration must contain exactly one <Rule>.');
  const rule = rules[0]!;
  // The legacy spelling ApplySideEncryptionConfiguration appears in old docs and SDK tests: accept both.
  const apply = (rule.ApplyServerSideEncryptionByDefault ?? rule.ApplySideEncryptionConfiguration) as Record<string, unknown> | undefined;
  if (!apply || typeof apply !== 'object') throw new CosError('MalformedXML', 'The <Rule> must contain <ApplyServerSideEncryptionByDefault>.');
  const alg = xmlText(apply.SSEAlgorithm);
  let encryption: BucketEncryption;
  if (alg === 'AES256') {
    encryption = { algorithm: 'AES256' };
  } else if (alg === 'KMS' || alg === 'cos/kms') {
    const keyId = xmlText(apply.KMSMasterKeyID) || undefined;
    if (keyId !== undefined && !ctx.store.keys.kms.material(keyId)) throw new CosError('KmsKeyNotExist', `The KMS key "${keyId}" does not exist.`);
    encryption = keyId ? { algorithm: 'KMS', kmsKeyId: keyId } : { algorithm: 'KMS' };
  } else {
    throw new CosError('InvalidArgument', `SSEAlgorithm "${alg ?? ''}" is not supported; use AES256 or KMS.`);
  }
  checkSseRegion(bucket.region, ctx.store.config.sseRegions);
  ctx.store.meta.updateBucket(bucket.name, { encryption });
  sendEmpty(ctx.res, 200, ctx.base);
}

export async function getBucketEncryption(ctx: HandlerContext): Promise<void> {
  requireSigned(ctx.principal);
  const bucket = requireBucket(ctx);
  const enc = bucket.encryption;
  if (!enc) throw new CosError('NoSuchEncryptionConfiguration', 'The specified bucket does not have a Encryption configuration');
  const apply: Record<string, unknown> = { SSEAlgorithm: enc.algorithm };
  if (enc.kmsKeyId) apply.KMSMasterKeyID = enc.kmsKeyId;
  sendXml(ctx.res, 200, 'ServerSideEncryptionConfiguration', { Rule: { ApplyServerSideEncryptionByDefault: apply } }, ctx.base);
}

export async function deleteBucketEncryption(ctx: HandlerContext): Promise<void> {
  requireSigned(ctx.principal);
  const bucket = requireBucket(ctx);
  ctx.store.meta.updateBucket(bucket.name, { encryption: null });
  sendEmpty(ctx.res, 204, ctx.base);
}
