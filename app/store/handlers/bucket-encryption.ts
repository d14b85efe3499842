// PUT / GET / DELETE Bucket encryption (?encryption): the default encryption applied to writes that carry no
// SSE header. Subject to the same region rule as every SSE request.
import { requireSigned } from '../http/access';
import { CosError } from '../http/cos-error';
import { sendEmpty, sendXml } from '../http/respond';
import { malformedXml, parseXmlBody, xmlElement, xmlText } from '../http/xml';
import type { BucketEncryption } from '../meta/metadata-db';
import { checkSseRegion } from '../objects/sse-request';
import { readXmlBody, requireBucket, type HandlerContext } from './context';

const APPLY = 'ApplyServerSideEncryptionByDefault';
const LEGACY_APPLY = 'ApplySideEncryptionConfiguration';

export async function putBucketEncryption(ctx: HandlerContext): Promise<void> {
  requireSigned(ctx.principal);
  const bucket = requireBucket(ctx);
  const encryption = parseEncryptionConfiguration(ctx, await readXmlBody(ctx));
  checkSseRegion(bucket.region, ctx.store.config.sseRegions);
  ctx.store.meta.updateBucket(bucket.name, { encryption });
  sendEmpty(ctx.res, 200, ctx.base);
}

/** The rule of a ServerSideEncryptionConfiguration body, held to COS's schema. */
function parseEncryptionConfiguration(ctx: HandlerContext, text: string): BucketEncryption {
  const doc = xmlElement(parseXmlBody(text, 'ServerSideEncryptionConfiguration'), 'ServerSideEncryptionConfiguration', ['Rule']);
  const rules = Array.isArray(doc.Rule) ? doc.Rule : [];
  if (rules.length !== 1) throw malformedXml('ServerSideEncryptionConfiguration must contain exactly one <Rule>.');
  // The legacy spelling ApplySideEncryptionConfiguration appears in old docs and SDK tests: accept either, once.
  const rule = xmlElement(rules[0], 'Rule', [APPLY, LEGACY_APPLY]);
  if ((rule[APPLY] === undefined) === (rule[LEGACY_APPLY] === undefined)) throw malformedXml(`The <Rule> must contain one <${APPLY}>.`);
  const applyName = rule[APPLY] !== undefined ? APPLY : LEGACY_APPLY;
  const apply = xmlElement(rule[applyName], applyName, ['SSEAlgorithm', 'KMSMasterKeyID']);
  const alg = xmlText(apply.SSEAlgorithm, 'SSEAlgorithm')?.trim();
  const keyId = xmlText(apply.KMSMasterKeyID, 'KMSMasterKeyID')?.trim() || undefined;
  if (alg === 'AES256') {
    // A key id beside AES256 would be silently dropped; the client most likely meant KMS.
    if (keyId !== undefined) throw new CosError('InvalidArgument', 'KMSMasterKeyID applies only to SSEAlgorithm KMS; remove it, or use KMS.');
    return { algorithm: 'AES256' };
  }
  if (alg === 'KMS' || alg === 'cos/kms') {
    if (keyId !== undefined && !ctx.store.keys.kms.material(keyId)) throw new CosError('KmsKeyNotExist', `The KMS key "${keyId}" does not exist.`);
    return keyId ? { algorithm: 'KMS', kmsKeyId: keyId } : { algorithm: 'KMS' };
  }
  throw new CosError('InvalidArgument', `SSEAlgorithm "${alg ?? ''}" is not supported; use AES256 or KMS.`);
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
