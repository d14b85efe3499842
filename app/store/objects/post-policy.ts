// POST Object authentication (cos-protocol §8.2): the base64 policy document, its q-sign-algorithm=sha1
// signature, its expiration and its conditions. Pure functions over the form fields, so the rules can be tested
// without HTTP; the handler calls them before a single byte of the file is written.
import { timingSafeEqual } from 'node:crypto';
import { postPolicySignature } from '../../cos/signer';
import type { StoreCredentials } from '../config';
import { CosError } from '../http/cos-error';
import { decodeBase64Strict } from '../sse/sse-encoding';

export type PolicyCondition =
  | { op: 'eq' | 'starts-with'; field: string; value: string; text: string }
  | { op: 'content-length-range'; min: number; max: number; text: string };

export interface PostPolicy {
  /** ms since the epoch */
  expiration: number;
  conditions: PolicyCondition[];
}

export interface SizeRange {
  min: number;
  max: number;
}

/** Form fields by lowercase name (COS matches POST field names case-insensitively). */
export type FormFields = ReadonlyMap<string, string>;

const SIGNATURE_FIELDS = ['policy', 'q-sign-algorithm', 'q-ak', 'q-key-time', 'q-signature'] as const;

/** Conditions COS requires in every policy: they tie the document to the signing key and its validity window. */
const REQUIRED_CONDITIONS = ['q-sign-algorithm', 'q-ak', 'q-sign-time'];

const invalid = (message: string) => new CosError('InvalidPolicyDocument', `Invalid Policy: ${message}`);

/**
 * Authenticates a POST form. No policy and no signature field at all → anonymous (undefined); a partial set is a
 * client error rather than a silent downgrade to anonymous. Returns the signer and the policy (signature, key
 * window and expiration already checked).
 */
export function verifyPostSignature(
  fields: FormFields,
  credentials: StoreCredentials[],
  clockSkewSeconds: number,
  nowMs = Date.now(),
): { secretId: string; policy: PostPolicy } | undefined {
  const keyTime = fields.get('q-key-time') ?? fields.get('q-sign-time');
  const given = {
    policy: fields.get('policy'),
    'q-sign-algorithm': fields.get('q-sign-algorithm'),
    'q-ak': fields.get('q-ak'),
    'q-key-time': keyTime,
    'q-signature': fields.get('q-signature'),
  };
  const missing = SIGNATURE_FIELDS.filter((n) => given[n] === undefined || given[n] === '');
  if (missing.length === SIGNATURE_FIELDS.length) return undefined;
  if (missing.length > 0) {
    throw new CosError('InvalidArgument', `A signed POST needs the form fields ${SIGNATURE_FIELDS.join(', ')}; missing: ${missing.join(', ')}.`);
  }
  if (given['q-sign-algorithm']!.toLowerCase() !== 'sha1') {
    throw new CosError('InvalidArgument', `q-sign-algorithm "${given['q-sign-algorithm']}" is not supported; use sha1.`);
  }
  const cred = credentials.find((c) => c.secretId === given['q-ak']);
  if (!cred) throw new CosError('InvalidAccessKeyId', 'The access key Id you provided does not exist in our records.');

  const window = /^(\d+);(\d+)$/.exec(keyTime!);
  if (!window) throw new CosError('AccessDenied', 'Malformed signature: q-key-time must be <start>;<end> in Unix seconds.');
  const nowS = Math.floor(nowMs / 1000);
  if (nowS > Number(window[2]) + clockSkewSeconds) throw new CosError('AccessDenied', 'Request has expired');
  if (Number(window[1]) > nowS + clockSkewSeconds) {
    throw new CosError('RequestTimeTooSkewed', 'The difference between the request time and the server time is too large.');
  }

  // The signature covers the policy bytes exactly as the base64 decodes: verify before parsing anything in it.
  const policyBytes = decodeBase64Strict(given.policy!.replace(/\s+/g, ''));
  if (!policyBytes) throw new CosError('MalformedPolicy', 'The policy field is not valid base64.');
  const expected = Buffer.from(postPolicySignature(cred.secretKey, keyTime!, policyBytes), 'latin1');
  const provided = Buffer.from(given['q-signature']!.toLowerCase(), 'latin1');
  if (expected.length !== provided.length || !timingSafeEqual(expected, provided)) {
    throw new CosError('SignatureDoesNotMatch', 'The policy signature we calculated does not match the q-signature you provided. Check your key and signing method.');
  }

  const policy = parsePolicy(policyBytes);
  if (nowMs > policy.expiration) throw new CosError('AccessDenied', 'Request has expired');
  return { secretId: cred.secretId, policy };
}

/** Parses and validates the policy JSON (structure only; the conditions are checked against a form later). */
export function parsePolicy(bytes: Buffer): PostPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new CosError('MalformedPolicy', 'The policy is not valid JSON.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalid('the policy must be a JSON object.');
  const { expiration, conditions } = doc as Record<string, unknown>;
  if (typeof expiration !== 'string') throw invalid('"expiration" (ISO 8601) is required.');
  const exp = Date.parse(expiration);
  if (Number.isNaN(exp)) throw invalid(`"expiration" ${JSON.stringify(expiration)} is not an ISO 8601 date.`);
  if (!Array.isArray(conditions)) throw invalid('"conditions" must be an array.');

  const parsed = conditions.flatMap(parseCondition);
  const named = new Set(parsed.flatMap((c) => (c.op === 'content-length-range' ? [] : [c.field])));
  const absent = REQUIRED_CONDITIONS.filter((n) => !named.has(n));
  if (absent.length) throw invalid(`the conditions must include ${absent.join(', ')}.`);
  return { expiration: exp, conditions: parsed };
}

function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function parseCondition(c: unknown): PolicyCondition[] {
  const text = JSON.stringify(c);
  if (Array.isArray(c)) {
    const op = typeof c[0] === 'string' ? c[0].toLowerCase() : '';
    if (op === 'content-length-range') {
      const [min, max] = [Number(scalar(c[1])), Number(scalar(c[2]))];
      if (c.length !== 3 || !Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 0 || max < min) {
        throw invalid(`${text}: content-length-range needs two integers 0 ≤ min ≤ max.`);
      }
      return [{ op, min, max, text }];
    }
    if (op === 'eq' || op === 'starts-with') {
      const field = typeof c[1] === 'string' && c[1].startsWith('$') ? c[1].slice(1).toLowerCase() : '';
      const value = scalar(c[2]);
      if (c.length !== 3 || field === '' || value === undefined) throw invalid(`${text}: expected ["${op}", "$field", "value"].`);
      return [{ op, field, value, text }];
    }
    throw invalid(`${text}: unknown condition "${String(c[0])}"; use eq, starts-with or content-length-range.`);
  }
  if (typeof c === 'object' && c !== null) {
    const entries = Object.entries(c);
    if (entries.length === 0) throw invalid('an empty {} condition.');
    return entries.map(([name, v]) => {
      const value = scalar(v);
      if (value === undefined) throw invalid(`${text}: the value must be a string.`);
      return { op: 'eq' as const, field: name.toLowerCase(), value, text };
    });
  }
  throw invalid(`${text}: a condition must be an object or an array.`);
}

/** The value a condition is checked against: the form field, with the aliases COS forms use. */
function valueFor(field: string, fields: FormFields, ctx: { bucket: string; key: string }): string | undefined {
  switch (field) {
    case 'bucket':
      return ctx.bucket;
    case 'key':
      // After ${filename} substitution: the policy constrains the key that is actually written.
      return ctx.key;
    case 'q-sign-time':
      return fields.get('q-sign-time') ?? fields.get('q-key-time');
    case 'acl':
      return fields.get('acl') ?? fields.get('x-cos-acl');
    case 'x-cos-acl':
      return fields.get('x-cos-acl') ?? fields.get('acl');
    default:
      return fields.get(field);
  }
}

/**
 * Checks every condition against the form (fields not named in the policy are allowed, as COS's own demos send
 * some). Returns the allowed file size range, which can only be checked while the file streams in.
 */
export function checkPolicyConditions(policy: PostPolicy, fields: FormFields, ctx: { bucket: string; key: string }): SizeRange | undefined {
  let range: SizeRange | undefined;
  for (const c of policy.conditions) {
    if (c.op === 'content-length-range') {
      // Several ranges all have to hold: keep their intersection.
      range = range ? { min: Math.max(range.min, c.min), max: Math.min(range.max, c.max) } : { min: c.min, max: c.max };
      continue;
    }
    const actual = valueFor(c.field, fields, ctx);
    const ok = actual !== undefined && (c.op === 'eq' ? actual === c.value : actual.startsWith(c.value));
    if (!ok) {
      const why = actual === undefined ? `the form has no field "${c.field}"` : `the form has ${c.field}=${JSON.stringify(actual)}`;
      throw new CosError('AccessDenied', `Invalid according to Policy: Policy Condition failed: ${c.text} (${why}).`);
    }
  }
  return range;
}
