// SSE-C header parsing (both the request and the copy-source header sets) and the stored key fingerprint.

import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CosError } from '../http/cos-error';
import {
  SSEC_COPY_SOURCE_PREFIX,
  SSEC_PREFIX,
  customerKeyFingerprint,
  customerKeyMatches,
  parseCustomerKey,
} from './customer-key';

// The documented example (cos-protocol §4.1): ASCII "0123456789ABCDEF0123456789ABCDEF".
const DOC_KEY = 'MDEyMzQ1Njc4OUFCQ0RFRjAxMjM0NTY3ODlBQkNERUY=';
const DOC_MD5 = 'U5L61r7jcwdNvT7frmUG8g==';

function headers(prefix: string, over: Record<string, string | string[] | undefined> = {}) {
  return {
    [`${prefix}algorithm`]: 'AES256',
    [`${prefix}key`]: DOC_KEY,
    [`${prefix}key-md5`]: DOC_MD5,
    'content-type': 'text/plain',
    ...over,
  };
}

function expectInvalid(f: () => unknown, msg: RegExp) {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(CosError);
    expect((err as CosError).code).toBe('InvalidArgument');
    expect((err as CosError).status).toBe(400);
    expect((err as Error).message).toMatch(msg);
    expect((err as Error).message).not.toContain(DOC_KEY.slice(0, 16));
    return;
  }
  expect.unreachable('expected InvalidArgument');
}

describe.each([SSEC_PREFIX, SSEC_COPY_SOURCE_PREFIX])('parseCustomerKey(%s)', (prefix) => {
  it('parses the documented example', () => {
    const ck = parseCustomerKey(headers(prefix), prefix);
    expect(ck?.key.toString('latin1')).toBe('0123456789ABCDEF0123456789ABCDEF');
    expect(ck?.keyMd5).toBe(DOC_MD5);
  });

  it('returns null when none of the three headers is present', () => {
    expect(parseCustomerKey({ 'content-type': 'x' }, prefix)).toBeNull();
    // The other prefix's headers do not count.
    const other = prefix === SSEC_PREFIX ? SSEC_COPY_SOURCE_PREFIX : SSEC_PREFIX;
    expect(parseCustomerKey(headers(other), prefix)).toBeNull();
  });

  it('names the missing headers when only some are present', () => {
    expectInvalid(() => parseCustomerKey(headers(prefix, { [`${prefix}key-md5`]: undefined }), prefix), /missing: .*key-MD5/);
    expectInvalid(() => parseCustomerKey({ [`${prefix}key`]: DOC_KEY }, prefix), /missing: .*algorithm.*key-MD5/);
    expectInvalid(() => parseCustomerKey({ [`${prefix}algorithm`]: 'AES256' }, prefix), /missing:.*key, .*key-MD5/);
  });

  it('rejects an algorithm other than AES256', () => {
    for (const alg of ['AES128', 'aes256', '', 'cos/kms']) {
      expectInvalid(() => parseCustomerKey(headers(prefix, { [`${prefix}algorithm`]: alg }), prefix), /must be AES256/);
    }
  });

  it('rejects a key that is not base64 of exactly 32 bytes', () => {
    const k16 = randomBytes(16);
    const k33 = randomBytes(33);
    for (const [key, md5] of [
      [k16.toString('base64'), createHash('md5').update(k16).digest('base64')],
      [k33.toString('base64'), createHash('md5').update(k33).digest('base64')],
      ['not base64 at all!', DOC_MD5],
      [DOC_KEY.replace(/=$/, ''), DOC_MD5],
      ['', DOC_MD5],
    ]) {
      expectInvalid(
        () => parseCustomerKey(headers(prefix, { [`${prefix}key`]: key, [`${prefix}key-md5`]: md5 }), prefix),
        /exactly 32 bytes/,
      );
    }
  });

  it('rejects a missing-in-value, malformed or mismatched MD5', () => {
    const wrong = createHash('md5').update('other').digest('base64');
    for (const md5 of [wrong, '', 'zzz', DOC_MD5.slice(0, -2)]) {
      expectInvalid(() => parseCustomerKey(headers(prefix, { [`${prefix}key-md5`]: md5 }), prefix), /key-MD5 does not match/);
    }
  });

  it('rejects a header sent twice; tolerates surrounding whitespace and a one-element array', () => {
    expectInvalid(() => parseCustomerKey(headers(prefix, { [`${prefix}key`]: [DOC_KEY, DOC_KEY] }), prefix), /more than once/);
    const ck = parseCustomerKey(headers(prefix, { [`${prefix}key`]: [` ${DOC_KEY} `] }), prefix);
    expect(ck?.keyMd5).toBe(DOC_MD5);
  });
});

describe('customer key fingerprint', () => {
  it('matches the same key only, with a fresh salt each time', () => {
    const key = randomBytes(32);
    const fp = customerKeyFingerprint(key);
    expect(Buffer.from(fp.salt, 'base64').length).toBe(16);
    expect(Buffer.from(fp.hmac, 'base64').length).toBe(32);
    expect(customerKeyMatches(key, fp)).toBe(true);
    expect(customerKeyMatches(randomBytes(32), fp)).toBe(false);
    const other = customerKeyFingerprint(key);
    expect(other.salt).not.toBe(fp.salt);
    expect(other.hmac).not.toBe(fp.hmac);
    expect(JSON.stringify(fp)).not.toContain(key.toString('base64'));
  });

  it('treats a malformed stored fingerprint as a mismatch, not a crash', () => {
    const key = randomBytes(32);
    const fp = customerKeyFingerprint(key);
    expect(customerKeyMatches(key, { ...fp, hmac: fp.hmac.slice(0, 20) })).toBe(false);
    expect(customerKeyMatches(key, { ...fp, salt: '***' })).toBe(false);
    expect(customerKeyMatches(key, {} as { salt: string; hmac: string })).toBe(false);
  });
});
