// POST Object against a real store: multipart/form-data bodies built with the platform's FormData, policies
// signed with postPolicySignature, and the official SDK to inspect what was stored. Covers signature, expiry and
// policy conditions, SSE as form fields, size ranges (nothing stored when refused), the form-shape rules and the
// three success responses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { crc64 } from '../../cos/crc64';
import { postPolicySignature } from '../../cos/signer';
import { parsePolicy } from '../objects/post-policy';
import { startFixture, TEST_CREDENTIALS, type StoreFixture } from '../test-support/store-fixture';

let f: StoreFixture;
const Region = 'ap-guangzhou';
let Bucket: string;

beforeAll(async () => {
  f = await startFixture();
  Bucket = f.bucket('post');
  await f.cos.putBucket({ Bucket, Region });
});
afterAll(async () => {
  await f?.close();
});

interface FilePart {
  data: Buffer | string;
  filename: string;
  type?: string;
}
type Entry = [string, string | FilePart];

interface PostResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Encodes the entries (in order) as the platform's FormData would send them. */
async function encodeForm(entries: Entry[]): Promise<{ body: Buffer; contentType: string }> {
  const fd = new FormData();
  for (const [name, v] of entries) {
    if (typeof v === 'string') fd.append(name, v);
    else fd.append(name, new Blob([v.data], { type: v.type ?? 'application/octet-stream' }), v.filename);
  }
  const req = new Request('http://form.invalid/', { method: 'POST', body: fd });
  return { body: Buffer.from(await req.arrayBuffer()), contentType: req.headers.get('content-type')! };
}

function send(bucket: string, body: Buffer, contentType: string, path = '/'): Promise<PostResult> {
  const host = path === '/' ? `${bucket}.cos.${Region}.myqcloud.com` : `127.0.0.1:${f.port}`;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: f.port, method: 'POST', path, headers: { host, 'content-type': contentType, 'content-length': String(body.length) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function post(entries: Entry[], bucket = Bucket): Promise<PostResult> {
  const { body, contentType } = await encodeForm(entries);
  return send(bucket, body, contentType);
}

const codeOf = (r: PostResult) => /<Code>([^<]*)<\/Code>/.exec(r.text)?.[1];
const messageOf = (r: PostResult) => /<Message>([^<]*)<\/Message>/.exec(r.text)?.[1] ?? '';

interface SignOpts {
  expiration?: Date;
  keyTime?: string;
  secretKey?: string;
  ak?: string;
  bucket?: string;
  /** Leave out the conditions COS requires (to test that they are required). */
  bare?: boolean;
}

/** The signature fields of a POST whose policy has `conditions` plus the ones COS requires. */
function signed(conditions: unknown[], opts: SignOpts = {}): Entry[] {
  const now = Math.floor(Date.now() / 1000);
  const keyTime = opts.keyTime ?? `${now - 60};${now + 3600}`;
  const ak = opts.ak ?? TEST_CREDENTIALS.secretId;
  const policy = JSON.stringify({
    expiration: (opts.expiration ?? new Date(Date.now() + 3_600_000)).toISOString(),
    conditions: opts.bare
      ? conditions
      : [{ 'q-sign-algorithm': 'sha1' }, { 'q-ak': ak }, { 'q-sign-time': keyTime }, { bucket: opts.bucket ?? Bucket }, ...conditions],
  });
  return [
    ['policy', Buffer.from(policy).toString('base64')],
    ['q-sign-algorithm', 'sha1'],
    ['q-ak', ak],
    ['q-key-time', keyTime],
    ['q-signature', postPolicySignature(opts.secretKey ?? TEST_CREDENTIALS.secretKey, keyTime, policy)],
  ];
}

const file = (data: Buffer | string, filename = 'upload.bin', type?: string): Entry => ['file', { data, filename, type }];

async function head(key: string, extra: Record<string, unknown> = {}, bucket = Bucket) {
  return (await f.cos.headObject({ Bucket: bucket, Region, Key: key, ...extra })).headers as Record<string, string>;
}
async function exists(key: string, bucket = Bucket): Promise<boolean> {
  return f.cos.headObject({ Bucket: bucket, Region, Key: key }).then(
    () => true,
    (e: { statusCode?: number }) => {
      if (e.statusCode === 404) return false;
      throw e;
    },
  );
}
async function get(key: string, extra: Record<string, unknown> = {}): Promise<Buffer> {
  return (await f.cos.getObject({ Bucket, Region, Key: key, ...extra })).Body as Buffer;
}

async function tmpFiles(): Promise<number> {
  return (await readdir(join(f.dataDir, 'tmp')).catch(() => [])).length;
}

describe('signed uploads', () => {
  it('stores the file with SSE-COS from a form field and answers 204 with ETag, Location, CRC64 and the echo', async () => {
    const body = randomBytes(150_000);
    const r = await post([['key', 'sse/cos.bin'], ['x-cos-server-side-encryption', 'AES256'], ...signed([['eq', '$x-cos-server-side-encryption', 'AES256']]), file(body)]);
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    expect(r.headers.etag).toBe(`"${createHash('md5').update(body).digest('hex')}"`);
    expect(r.headers.location).toBe(`http://${Bucket}.cos.${Region}.myqcloud.com/sse/cos.bin`);
    expect(r.headers['x-cos-hash-crc64ecma']).toBe(crc64(body).toString());
    expect(r.headers['x-cos-server-side-encryption']).toBe('AES256');
    expect((await head('sse/cos.bin'))['x-cos-server-side-encryption']).toBe('AES256');
    expect(Buffer.compare(await get('sse/cos.bin'), body)).toBe(0);
  });

  it('substitutes ${filename}, takes Content-Type from the field (not the part), and stores metadata fields', async () => {
    const r = await post([
      ['Key', 'photos/${filename}'],
      ['Content-Type', 'image/jpeg'],
      ['Cache-Control', 'max-age=300'],
      ['Content-Disposition', 'inline'],
      ['x-cos-meta-Album', 'summer'],
      ['x-cos-meta-place', 'café'],
      ['x-cos-storage-class', 'STANDARD_IA'],
      ['name', ''], // an extra field the policy does not mention, as COS's own demo sends
      ...signed([['starts-with', '$key', 'photos/'], ['starts-with', '$Content-Type', 'image/']]),
      file('jpeg bytes', 'beach 1.jpg', 'application/x-unknown'),
    ]);
    expect(r.status).toBe(204);
    expect(r.headers.location).toBe(`http://${Bucket}.cos.${Region}.myqcloud.com/photos/beach%201.jpg`);
    const h = await head('photos/beach 1.jpg');
    expect(h['content-type']).toBe('image/jpeg');
    expect(h['cache-control']).toBe('max-age=300');
    expect(h['content-disposition']).toBe('inline');
    expect(h['x-cos-meta-album']).toBe('summer');
    expect(Buffer.from(h['x-cos-meta-place']!, 'latin1').toString('utf8')).toBe('café'); // UTF-8 bytes, as a PUT stores them
    expect(h['x-cos-storage-class']).toBe('STANDARD_IA');
    expect((await get('photos/beach 1.jpg')).toString()).toBe('jpeg bytes');
  });

  it('streams a multi-megabyte file through unchanged', async () => {
    const body = randomBytes(5 * 1024 * 1024 + 7);
    const r = await post([['key', 'big.bin'], ...signed([['content-length-range', 0, 10 * 1024 * 1024]]), file(body)]);
    expect(r.status).toBe(204);
    expect(r.headers['x-cos-hash-crc64ecma']).toBe(crc64(body).toString());
    expect(Buffer.compare(await get('big.bin'), body)).toBe(0);
  });

  it('stores with SSE-C from form fields and needs that key to read', async () => {
    const key = randomBytes(32);
    const md5 = createHash('md5').update(key).digest('base64');
    const body = randomBytes(9000);
    const r = await post([
      ['key', 'ssec.bin'],
      ['x-cos-server-side-encryption-customer-algorithm', 'AES256'],
      ['x-cos-server-side-encryption-customer-key', key.toString('base64')],
      ['x-cos-server-side-encryption-customer-key-MD5', md5],
      ...signed([]),
      file(body),
    ]);
    expect(r.status).toBe(204);
    expect(r.headers['x-cos-server-side-encryption-customer-algorithm']).toBe('AES256');
    expect(r.headers['x-cos-server-side-encryption-customer-key-md5']).toBe(md5);
    const ssec = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.toString('base64'), SSECustomerKeyMD5: md5 };
    await expect(f.cos.headObject({ Bucket, Region, Key: 'ssec.bin' })).rejects.toMatchObject({ statusCode: 400 });
    expect(Buffer.compare(await get('ssec.bin', ssec), body)).toBe(0);
  });

  it('verifies a Content-MD5 field, storing nothing on a mismatch', async () => {
    const wrong = createHash('md5').update('other').digest('base64');
    const bad = await post([['key', 'md5.txt'], ['Content-MD5', wrong], ...signed([]), file('content')]);
    expect([bad.status, codeOf(bad)]).toEqual([400, 'BadDigest']);
    expect(await exists('md5.txt')).toBe(false);
    const good = await post([['key', 'md5.txt'], ['Content-MD5', createHash('md5').update('content').digest('base64')], ...signed([]), file('content')]);
    expect(good.status).toBe(204);
  });

  it('answers success_action_status 200 and 201 (PostResponse XML), ignores other values, and redirects with 303', async () => {
    const s200 = await post([['key', 's/200.txt'], ['success_action_status', '200'], ...signed([]), file('x')]);
    expect([s200.status, s200.text]).toEqual([200, '']);
    const s201 = await post([['key', 's/201.txt'], ['success_action_status', '201'], ...signed([['eq', '$success_action_status', '201']]), file('x')]);
    expect(s201.status).toBe(201);
    expect(s201.text).toContain(`<PostResponse><Location>http://${Bucket}.cos.${Region}.myqcloud.com/s/201.txt</Location><Bucket>${Bucket}</Bucket><Key>s/201.txt</Key>`);
    expect(s201.text).toContain(`<ETag>&quot;${createHash('md5').update('x').digest('hex')}&quot;</ETag>`);
    const s999 = await post([['key', 's/999.txt'], ['success_action_status', '999'], ...signed([]), file('x')]);
    expect(s999.status).toBe(204);

    const redirect = await post([
      ['key', 's/redirect me.txt'],
      ['success_action_status', '201'],
      ['success_action_redirect', 'https://app.example/done?from=form'],
      ...signed([['starts-with', '$success_action_redirect', 'https://app.example/']]),
      file('x'),
    ]);
    expect(redirect.status).toBe(303);
    const etag = encodeURIComponent(`"${createHash('md5').update('x').digest('hex')}"`);
    expect(redirect.headers.location).toBe(`https://app.example/done?from=form&bucket=${Bucket}&key=s%2Fredirect%20me.txt&etag=${etag}`);
    expect(await exists('s/redirect me.txt')).toBe(true);
  });

  it('builds Location with the bucket for a path-style POST', async () => {
    const { body, contentType } = await encodeForm([['key', 'path-style.txt'], ...signed([]), file('p')]);
    const r = await send(Bucket, body, contentType, `/${Bucket}`);
    expect(r.status).toBe(204);
    expect(r.headers.location).toBe(`http://127.0.0.1:${f.port}/${Bucket}/path-style.txt`);
  });
});

describe('policy and signature failures', () => {
  it('refuses files outside content-length-range and stores nothing', async () => {
    const range = [['content-length-range', 10, 100]];
    const big = await post([['key', 'range.bin'], ...signed(range), file(randomBytes(101))]);
    expect([big.status, codeOf(big)]).toEqual([400, 'EntityTooLarge']);
    const small = await post([['key', 'range.bin'], ...signed(range), file(randomBytes(9))]);
    expect([small.status, codeOf(small)]).toEqual([400, 'EntityTooSmall']);
    expect(await exists('range.bin')).toBe(false);
    expect(await tmpFiles()).toBe(0);
    const ok = await post([['key', 'range.bin'], ...signed(range), file(randomBytes(100))]);
    expect(ok.status).toBe(204);

    // A too-large file much bigger than the range is cut off early and still answered cleanly.
    const huge = await post([['key', 'range2.bin'], ...signed(range), file(randomBytes(3 * 1024 * 1024))]);
    expect([huge.status, codeOf(huge)]).toEqual([400, 'EntityTooLarge']);
    expect(await exists('range2.bin')).toBe(false);
  });

  it('refuses an expired policy and an expired key time with "Request has expired"', async () => {
    const expired = await post([['key', 'exp.txt'], ...signed([], { expiration: new Date(Date.now() - 60_000) }), file('x')]);
    expect([expired.status, codeOf(expired), messageOf(expired)]).toEqual([403, 'AccessDenied', 'Request has expired']);
    const now = Math.floor(Date.now() / 1000);
    const oldKey = await post([['key', 'exp.txt'], ...signed([], { keyTime: `${now - 7200};${now - 3600}` }), file('x')]);
    expect([oldKey.status, codeOf(oldKey), messageOf(oldKey)]).toEqual([403, 'AccessDenied', 'Request has expired']);
    expect(await exists('exp.txt')).toBe(false);
  });

  it('refuses a bad signature, an unknown access key, and a partial set of signature fields', async () => {
    const bad = await post([['key', 'sig.txt'], ...signed([], { secretKey: 'not-the-secret' }), file('x')]);
    expect([bad.status, codeOf(bad)]).toEqual([403, 'SignatureDoesNotMatch']);
    const unknown = await post([['key', 'sig.txt'], ...signed([], { ak: 'AKIDnobody' }), file('x')]);
    expect([unknown.status, codeOf(unknown)]).toEqual([403, 'InvalidAccessKeyId']);
    const partial = await post([['key', 'sig.txt'], ...signed([]).filter(([n]) => n !== 'q-signature'), file('x')]);
    expect([partial.status, codeOf(partial)]).toEqual([400, 'InvalidArgument']);
    // The policy is signed as sent: changing one byte of it breaks the signature.
    const entries = signed([['starts-with', '$key', 'allowed/']]);
    const policy = JSON.parse(Buffer.from(entries[0]![1] as string, 'base64').toString()) as { conditions: unknown[] };
    policy.conditions[4] = ['starts-with', '$key', ''];
    entries[0] = ['policy', Buffer.from(JSON.stringify(policy)).toString('base64')];
    const tampered = await post([['key', 'anything.txt'], ...entries, file('x')]);
    expect([tampered.status, codeOf(tampered)]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(await exists('sig.txt')).toBe(false);
    expect(await exists('anything.txt')).toBe(false);
    // Refused with most of a large file still unread: the parser is dropped without upsetting the server.
    const large = await post([['key', 'sig-large.bin'], ...signed([], { secretKey: 'not-the-secret' }), file(randomBytes(4 * 1024 * 1024))]);
    expect([large.status, codeOf(large)]).toEqual([403, 'SignatureDoesNotMatch']);
    const after = await post([['key', 'sig-after.txt'], ...signed([]), file('still serving')]);
    expect(after.status).toBe(204);
  });

  it('refuses forms that break a condition, naming it', async () => {
    const missing = await post([['key', 'c.txt'], ...signed([['eq', '$x-cos-server-side-encryption', 'AES256']]), file('x')]);
    expect([missing.status, codeOf(missing)]).toEqual([403, 'AccessDenied']);
    expect(messageOf(missing)).toContain('x-cos-server-side-encryption');
    const prefix = await post([['key', 'elsewhere/c.txt'], ...signed([['starts-with', '$key', 'allowed/']]), file('x')]);
    expect([prefix.status, codeOf(prefix)]).toEqual([403, 'AccessDenied']);
    expect(messageOf(prefix)).toContain('allowed/');
    const filename = await post([['key', 'allowed/${filename}'], ...signed([['eq', '$key', 'allowed/expected.txt']]), file('x', 'other.txt')]);
    expect([filename.status, codeOf(filename)]).toEqual([403, 'AccessDenied']);
    const otherBucket = await post([['key', 'c.txt'], ...signed([], { bucket: f.bucket('someone-else') }), file('x')]);
    expect([otherBucket.status, codeOf(otherBucket)]).toEqual([403, 'AccessDenied']);
    expect(messageOf(otherBucket)).toContain('bucket');
    const acl = await post([['key', 'c.txt'], ['acl', 'public-read'], ...signed([{ acl: 'private' }]), file('x')]);
    expect([acl.status, codeOf(acl)]).toEqual([403, 'AccessDenied']);
    expect(await exists('c.txt')).toBe(false);
    expect(await exists('elsewhere/c.txt')).toBe(false);
  });

  it('refuses malformed policies', async () => {
    const bare = await post([['key', 'p.txt'], ...signed([{ bucket: Bucket }], { bare: true }), file('x')]);
    expect([bare.status, codeOf(bare)]).toEqual([400, 'InvalidPolicyDocument']);
    const notB64 = await post([['key', 'p.txt'], ['policy', '%%%'], ['q-sign-algorithm', 'sha1'], ['q-ak', TEST_CREDENTIALS.secretId], ['q-key-time', '1;9999999999'], ['q-signature', 'ab'], file('x')]);
    expect([notB64.status, codeOf(notB64)]).toEqual([400, 'MalformedPolicy']);
    expect(() => parsePolicy(Buffer.from('{"expiration":"soon","conditions":[]}'))).toThrow(/expiration/);
    expect(() => parsePolicy(Buffer.from('{"expiration":"2030-01-01T00:00:00Z","conditions":[["in","$key","a"]]}'))).toThrow(/unknown condition/);
    expect(() => parsePolicy(Buffer.from('{"expiration":"2030-01-01T00:00:00Z","conditions":[["content-length-range",5,1]]}'))).toThrow(/min/);
  });
});

describe('form shape', () => {
  it('needs exactly one file, as the last field', async () => {
    const none = await post([['key', 'shape.txt'], ...signed([])]);
    expect([none.status, codeOf(none)]).toEqual([400, 'IncorrectNumberOfFilesInPostRequest']);
    const two = await post([['key', 'shape.txt'], ...signed([]), file('one'), ['file2', { data: 'two', filename: 'two.txt' }]]);
    expect([two.status, codeOf(two)]).toEqual([400, 'IncorrectNumberOfFilesInPostRequest']);
    const after = await post([['key', 'shape.txt'], ...signed([]), file('one'), ['x-cos-meta-late', 'yes']]);
    expect([after.status, codeOf(after)]).toEqual([400, 'MalformedPOSTRequest']);
    expect(await exists('shape.txt')).toBe(false);
    expect(await tmpFiles()).toBe(0);
  });

  it('refuses a missing key, a repeated field, a non-form body and header-breaking values', async () => {
    const noKey = await post([...signed([]), file('x')]);
    expect([noKey.status, codeOf(noKey)]).toEqual([400, 'InvalidArgument']);
    const dup = await post([['key', 'dup.txt'], ['KEY', 'other.txt'], ...signed([]), file('x')]);
    expect([dup.status, codeOf(dup)]).toEqual([400, 'MalformedPOSTRequest']);
    const json = await send(Bucket, Buffer.from('{"key":"x"}'), 'application/json');
    expect([json.status, codeOf(json)]).toEqual([400, 'MalformedPOSTRequest']);
    const crlf = await post([['key', 'crlf.txt'], ['x-cos-meta-evil', 'a\r\nSet-Cookie: x=1'], ...signed([]), file('x')]);
    expect([crlf.status, codeOf(crlf)]).toEqual([400, 'InvalidArgument']);
    expect(await exists('crlf.txt')).toBe(false);
  });
});

describe('anonymous uploads', () => {
  it('are refused in a private bucket and allowed in a public-read-write one', async () => {
    const denied = await post([['key', 'anon.txt'], file('anon')]);
    expect([denied.status, codeOf(denied)]).toEqual([403, 'AccessDenied']);
    expect(await exists('anon.txt')).toBe(false);

    const open = f.bucket('post-open');
    await f.cos.putBucket({ Bucket: open, Region, ACL: 'public-read-write' });
    const ok = await post([['key', 'anon.txt'], ['x-cos-server-side-encryption', 'AES256'], file('anon')], open);
    expect(ok.status).toBe(204);
    expect((await head('anon.txt', {}, open))['x-cos-server-side-encryption']).toBe('AES256');
  });

  it('still refuses a bad signature in a public-read-write bucket (no downgrade to anonymous)', async () => {
    const open = f.bucket('post-open');
    const bad = await post([['key', 'anon2.txt'], ...signed([], { secretKey: 'wrong', bucket: open }), file('x')], open);
    expect([bad.status, codeOf(bad)]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(await exists('anon2.txt', open)).toBe(false);
  });
});
