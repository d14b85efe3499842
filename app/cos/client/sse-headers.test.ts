import { describe, expect, it } from 'vitest';
import { parseSseEcho } from './sse-headers';

const echo = (headers: Record<string, string>) => parseSseEcho((name) => headers[name]);

describe('parseSseEcho', () => {
  it('reads each mode from the response headers', () => {
    expect(echo({ 'x-cos-server-side-encryption': 'AES256' })).toEqual({ mode: 'SSE-COS' });
    expect(echo({ 'x-cos-server-side-encryption': 'cos/kms', 'x-cos-server-side-encryption-cos-kms-key-id': 'k-1' })).toEqual({ mode: 'SSE-KMS', keyId: 'k-1' });
    expect(echo({ 'x-cos-server-side-encryption-customer-algorithm': 'AES256', 'x-cos-server-side-encryption-customer-key-md5': 'bWQ1' })).toEqual({ mode: 'SSE-C', keyMd5: 'bWQ1' });
    expect(echo({})).toEqual({ mode: 'none' });
  });

  it('keeps an algorithm it does not know instead of calling the object plainly unencrypted', () => {
    expect(echo({ 'x-cos-server-side-encryption': 'SM4' })).toEqual({ mode: 'none', unrecognized: 'SM4' });
  });
});
