import { createHash, createHmac } from 'node:crypto';
import COS from 'cos-nodejs-sdk-v5';
import { describe, expect, it } from 'vitest';
import { cosEncode, cosEncodeKeyPath } from './cos-url-encode';
import {
  SignatureParseError,
  buildAuthorization,
  formatPairs,
  headersToSign,
  httpString,
  parseAuthorization,
  postPolicySignature,
  signKey,
  signatureFor,
  stringToSign,
  verifyAuthorization,
  type ParsedAuthorization,
} from './signer';
import { Rng } from '../platform/test-support/rng';

const sha1 = (s: string) => createHash('sha1').update(s, 'utf8').digest('hex');

/** Case-insensitive lookups over a plain record, as a server would build from the request. */
function lookupIn(record: Record<string, string | undefined>): (lowerName: string) => string | undefined {
  const lower = new Map(Object.entries(record).map(([k, v]) => [k.toLowerCase(), v ?? '']));
  return (name) => lower.get(name);
}

function verifies(
  auth: string,
  secretKey: string,
  method: string,
  pathname: string,
  headers: Record<string, string | undefined>,
  query: Record<string, string | undefined>,
): boolean {
  return verifyAuthorization(parseAuthorization(auth), secretKey, method, pathname, lookupIn(headers), lookupIn(query));
}

describe('cosEncode', () => {
  it('encodes everything but A–Z a–z 0–9 - _ . ~, with uppercase hex', () => {
    expect(cosEncode("!'()*")).toBe('%21%27%28%29%2A');
    expect(cosEncode('a b+c/d=e&f?g#h%i')).toBe('a%20b%2Bc%2Fd%3De%26f%3Fg%23h%25i');
    expect(cosEncode('AZaz09-_.~')).toBe('AZaz09-_.~');
    expect(cosEncode('腾讯云')).toBe('%E8%85%BE%E8%AE%AF%E4%BA%91');
  });

  it('key paths keep their slashes and get one leading slash', () => {
    expect(cosEncodeKeyPath('dir/测试 file(1).txt')).toBe('/dir/%E6%B5%8B%E8%AF%95%20file%281%29.txt');
    expect(cosEncodeKeyPath('/abs//x')).toBe('//abs//x');
    expect(cosEncodeKeyPath('')).toBe('/');
  });
});

describe('formatPairs and headersToSign', () => {
  it('lowercases and encodes keys, encodes values, sorts by encoded key', () => {
    const out = formatPairs([
      ['prefix', 'example-folder/'],
      ['delimiter', '/'],
      ['max-keys', '10'],
    ]);
    expect(out.list).toBe('delimiter;max-keys;prefix');
    expect(out.joined).toBe('delimiter=%2F&max-keys=10&prefix=example-folder%2F');
    expect(formatPairs([['X-Cos-Meta-A', "it's"], ['acl', '']])).toEqual({
      list: 'acl;x-cos-meta-a',
      joined: 'acl=&x-cos-meta-a=it%27s',
    });
    expect(formatPairs([])).toEqual({ list: '', joined: '' });
  });

  it('signs x-cos-*, x-ci-* and the listed standard headers, drops empty values, never Date or User-Agent', () => {
    const signed = headersToSign({
      Host: 'b.cos.ap-guangzhou.myqcloud.com',
      'Content-Type': 'text/plain',
      'X-Cos-Meta-Owner': 'me',
      'x-ci-foo': 'bar',
      'Cache-Control': '',
      Range: undefined,
      Date: 'Thu, 16 May 2019 06:45:51 GMT',
      'User-Agent': 'cos-nodejs-sdk-v5',
      'X-Amz-Date': 'nope',
    });
    expect(signed).toEqual([
      ['Host', 'b.cos.ap-guangzhou.myqcloud.com'],
      ['Content-Type', 'text/plain'],
      ['X-Cos-Meta-Owner', 'me'],
      ['x-ci-foo', 'bar'],
    ]);
  });
});

describe('doc vectors (cos-protocol.md §2.4)', () => {
  it('A: upload example, decoded path with UTF-8, Date signed', () => {
    const keyTime = '1557989151;1557996351';
    const secret = 'BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz';
    const headers: Array<[string, string]> = [
      ['Date', 'Thu, 16 May 2019 06:45:51 GMT'],
      ['Host', 'examplebucket-1250000000.cos.ap-beijing.myqcloud.com'],
      ['Content-Type', 'text/plain'],
      ['Content-Length', '13'],
      ['Content-MD5', 'mQ/fVh815F3k6TAUm8m0eg=='],
      ['x-cos-acl', 'private'],
      ['x-cos-grant-read', 'uin="100000000011"'],
    ];
    const http = httpString('PUT', '/exampleobject(腾讯云)', [], headers);
    expect(signKey(secret, keyTime)).toBe('eb2519b498b02ac213cb1f3d1a3d27a3b3c9bc5f');
    expect(formatPairs(headers).list).toBe('content-length;content-md5;content-type;date;host;x-cos-acl;x-cos-grant-read');
    expect(http).toBe(
      'put\n/exampleobject(腾讯云)\n\ncontent-length=13&content-md5=mQ%2FfVh815F3k6TAUm8m0eg%3D%3D&content-type=text%2Fplain&date=Thu%2C%2016%20May%202019%2006%3A45%3A51%20GMT&host=examplebucket-1250000000.cos.ap-beijing.myqcloud.com&x-cos-acl=private&x-cos-grant-read=uin%3D%22100000000011%22\n',
    );
    expect(sha1(http)).toBe('8b2751e77f43a0995d6e9eb9477f4b685cca4172');
    expect(signatureFor(secret, keyTime, http)).toBe('3b8851a11a569213c17ba8fa7dcf2abec6935172');

    const auth = `q-sign-algorithm=sha1&q-ak=AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q&q-sign-time=${keyTime}&q-key-time=${keyTime}&q-header-list=${formatPairs(headers).list}&q-url-param-list=&q-signature=3b8851a11a569213c17ba8fa7dcf2abec6935172`;
    const headerRecord = Object.fromEntries(headers);
    expect(verifies(auth, secret, 'PUT', '/exampleobject(腾讯云)', headerRecord, {})).toBe(true);
    // The English doc's translated path does not verify (§2.4 note), nor does the percent-encoded request path.
    expect(verifies(auth, secret, 'PUT', '/exampleobject(tencentcloud)', headerRecord, {})).toBe(false);
    expect(verifies(auth, secret, 'PUT', '/exampleobject(%E8%85%BE%E8%AE%AF%E4%BA%91)', headerRecord, {})).toBe(false);
  });

  it('B: download example with query parameters', () => {
    const keyTime = '1557989753;1557996953';
    const secret = 'BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz';
    const params: Array<[string, string]> = [
      ['response-content-type', 'application/octet-stream'],
      ['response-cache-control', 'max-age=600'],
    ];
    const headers: Array<[string, string]> = [
      ['Date', 'Thu, 16 May 2019 06:55:53 GMT'],
      ['Host', 'examplebucket-1250000000.cos.ap-beijing.myqcloud.com'],
    ];
    const http = httpString('GET', '/exampleobject(腾讯云)', params, headers);
    expect(formatPairs(params).list).toBe('response-cache-control;response-content-type');
    expect(formatPairs(headers).list).toBe('date;host');
    expect(sha1(http)).toBe('54ecfe22f59d3514fdc764b87a32d8133ea611e6');
    expect(signatureFor(secret, keyTime, http)).toBe('01681b8c9d798a678e43b685a9f1bba0f6c0e012');
  });

  it('C: Go SDK unit-test vector through buildAuthorization', () => {
    const auth = buildAuthorization({
      secretId: 'QmFzZTY0IGlzIGEgZ2VuZXJp',
      secretKey: 'AKIDZfbOA78asKUYBcXFrJD0a1ICvR98JM',
      method: 'PUT',
      pathname: '/testfile2',
      headers: {
        Host: 'testbucket-125000000.cos.ap-guangzhou.myqcloud.com',
        'x-cos-content-sha1': 'db8ac1c259eb89d4a131b253bacfca5f319d54f2',
        'x-cos-stroage-class': 'nearline',
      },
      keyTime: '1480932292;1481012292',
    });
    expect(auth).toBe(
      'q-sign-algorithm=sha1&q-ak=QmFzZTY0IGlzIGEgZ2VuZXJp&q-sign-time=1480932292;1481012292&q-key-time=1480932292;1481012292' +
        '&q-header-list=host;x-cos-content-sha1;x-cos-stroage-class&q-url-param-list=&q-signature=ce4ac0ecbcdb30538b3fee0a97cc6389694ce53a',
    );
  });

  it('D: own vector — every intermediate value and the full output', () => {
    const keyTime = '1700000000;1700003600';
    const headers = {
      Host: 'examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com',
      Range: 'bytes=0-9',
      'x-cos-traffic-limit': '819200',
      'User-Agent': 'ignored',
    };
    const query = { versionId: 'abc', 'response-content-type': 'text/plain' };
    const http = httpString('GET', '/dir/测试 file.txt', Object.entries(query), headersToSign(headers));
    expect(signKey('SECRETEXAMPLE', keyTime)).toBe('f5d49e354f47f0490b1a36fcc423ac7faa9fb8e3');
    expect(http).toBe(
      'get\n/dir/测试 file.txt\nresponse-content-type=text%2Fplain&versionid=abc\nhost=examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com&range=bytes%3D0-9&x-cos-traffic-limit=819200\n',
    );
    expect(stringToSign(keyTime, http)).toBe('sha1\n1700000000;1700003600\na399e4228a481c6f33f17352b09108569eb01339\n');
    const auth = buildAuthorization({
      secretId: 'AKIDEXAMPLE',
      secretKey: 'SECRETEXAMPLE',
      method: 'GET',
      pathname: '/dir/测试 file.txt',
      query,
      headers,
      keyTime,
    });
    expect(auth).toBe(
      'q-sign-algorithm=sha1&q-ak=AKIDEXAMPLE&q-sign-time=1700000000;1700003600&q-key-time=1700000000;1700003600' +
        '&q-header-list=host;range;x-cos-traffic-limit&q-url-param-list=response-content-type;versionid&q-signature=2b816efb72d64b8ef825d7aebf49406590a80b92',
    );
    expect(verifies(auth, 'SECRETEXAMPLE', 'GET', '/dir/测试 file.txt', headers, query)).toBe(true);
  });

  it('SignKey stays the HMAC of exactly its secret and key time across many secrets and times (it is cached)', () => {
    const rng = new Rng(7);
    const secrets = Array.from({ length: 80 }, (_, i) => `secret-${i}-${rng.int(0, 1e9)}`);
    for (let round = 0; round < 3; round++) {
      for (const secret of secrets) {
        const keyTime = `${1700000000 + rng.int(0, 100)};${1700000900 + rng.int(0, 100)}`;
        expect(signKey(secret, keyTime)).toBe(createHmac('sha1', secret).update(keyTime).digest('hex'));
      }
    }
  });

  it('POST Object policy vector (§8.2)', () => {
    // The doc's base64 policy decodes to this exact 555-byte text (4-space indent, no trailing newline).
    const policy = `{
    "expiration": "2019-08-30T09:38:12.414Z",
    "conditions": [
        { "acl": "default" },
        { "bucket": "examplebucket-1250000000" },
        [ "starts-with", "$key", "folder/subfolder/" ],
        [ "starts-with", "$Content-Type", "image/" ],
        [ "starts-with", "$success_action_redirect", "https://my.website/" ],
        [ "eq", "$x-cos-server-side-encryption", "AES256" ],
        { "q-sign-algorithm": "sha1" },
        { "q-ak": "AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q" },
        { "q-sign-time": "1567150692;1567157892" }
    ]
}`;
    const secret = 'BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz';
    const keyTime = '1567150692;1567157892';
    expect(Buffer.byteLength(policy)).toBe(555);
    expect(signKey(secret, keyTime)).toBe('39acc8c9f34ba5b19bce4e965b370cd3f62d2fba');
    expect(sha1(policy)).toBe('d5d903b8360468bc81c1311f134989bc8c8b5b89');
    expect(postPolicySignature(secret, keyTime, policy)).toBe('7758dc9a832e9d301dca704cacbf9d9f8172fdef');
    expect(postPolicySignature(secret, keyTime, Buffer.from(Buffer.from(policy).toString('base64'), 'base64'))).toBe(
      '7758dc9a832e9d301dca704cacbf9d9f8172fdef',
    );
    expect(postPolicySignature(secret, keyTime, JSON.stringify(JSON.parse(policy)))).not.toBe(
      '7758dc9a832e9d301dca704cacbf9d9f8172fdef',
    );
  });
});

// ---- cross-check against the official Node SDK -----------------------------------------------------------

// Seeded so a failure can be replayed; the seed is in the test name.
function rng(seed: number): (n: number) => number {
  const r = new Rng(seed);
  return (n) => r.int(0, n - 1);
}
const SEED = 0x5eed;
const rand = rng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)];
const randomCase = (s: string) => [...s].map((c) => (rand(2) ? c.toUpperCase() : c.toLowerCase())).join('');
function randomString(maxLen: number, alphabet: readonly string[]): string {
  return Array.from({ length: rand(maxLen + 1) }, () => pick(alphabet)).join('');
}

const TEXT = [
  ...'abcxyzABCXYZ0189-_.~/',
  ' ',
  ...`!'()*%+&=?#,;:@$[]{}"<>^|\\`,
  '`',
  '\t',
  '腾',
  '讯',
  'é',
  'Ω',
  '😀',
];
// Parameter names stay within the characters that encode to themselves: for other names the SDK orders
// HttpParameters by raw name but q-url-param-list by encoded name (see the divergence test below).
const NAME = [...'abcdefxyzABCXYZ0189-_.~'];
const KNOWN_PARAMS = ['versionId', 'response-content-type', 'uploadId', 'partNumber', 'acl', 'prefix', 'max-keys'];
const HEADER_NAMES = [
  'Host',
  'Content-Type',
  'Content-Length',
  'Content-MD5',
  'Cache-Control',
  'Content-Disposition',
  'Range',
  'If-Match',
  'If-None-Match',
  'Expires',
  'Origin',
  'x-cos-acl',
  'x-cos-storage-class',
  'x-cos-server-side-encryption',
  'x-ci-process',
  'User-Agent',
  'Date',
  'X-Custom',
];

interface Case {
  secretId: string;
  secretKey: string;
  method: string;
  pathname: string;
  query: Record<string, string | undefined>;
  headers: Record<string, string>;
  keyTime: string;
}

function randomCase_(): Case {
  const query: Record<string, string | undefined> = {};
  const used = new Set<string>();
  const nParams = 1 + rand(4);
  while (Object.keys(query).length < nParams) {
    const name = rand(3) ? randomCase(pick(KNOWN_PARAMS)) : 'p' + randomString(8, NAME);
    if (used.has(name.toLowerCase())) continue;
    used.add(name.toLowerCase());
    query[name] = pick([undefined, '', randomString(20, TEXT), randomString(20, TEXT)]);
  }
  const host = `bucket-125000000${rand(10)}.cos.ap-guangzhou.myqcloud.com`;
  const headers: Record<string, string> = { [randomCase('host')]: host };
  for (let i = rand(7); i > 0; i--) {
    const base = rand(4) ? pick(HEADER_NAMES) : `x-cos-meta-${randomString(6, NAME)}`;
    if (Object.keys(headers).some((k) => k.toLowerCase() === base.toLowerCase())) continue;
    headers[randomCase(base)] = rand(5) ? randomString(24, TEXT) : '';
  }
  const start = 1_500_000_000 + rand(500_000_000);
  return {
    secretId: 'AKID' + randomString(32, NAME).replace(/[-_.~]/g, 'Q'),
    secretKey: randomString(32, [...NAME, ...'!#$%&/+=']) || 'k',
    method: randomCase(pick(['get', 'put', 'post', 'delete', 'head'])),
    pathname: '/' + randomString(30, TEXT),
    query,
    headers,
    keyTime: `${start};${start + rand(100_000)}`,
  };
}

function sdkAuthorization(c: Case): string {
  // COS.getAuthorization signs what it is given; the SDK's request path first drops empty header values
  // (base.js getAuthorizationAsync), so do the same to compare like with like.
  const nonEmpty = Object.fromEntries(Object.entries(c.headers).filter(([, v]) => v !== ''));
  return COS.getAuthorization({
    SecretId: c.secretId,
    SecretKey: c.secretKey,
    // The SDK's type lists a few spellings; at runtime it lowercases any, which is what mixed case exercises.
    Method: c.method as COS.Method,
    Key: c.pathname,
    Query: c.query,
    Headers: nonEmpty,
    KeyTime: c.keyTime,
  });
}

const ours = (c: Case) => buildAuthorization(c);

function mutate(s: string): string {
  if (s === '') return 'x';
  const chars = [...s];
  const i = rand(chars.length);
  chars[i] = chars[i] === 'a' ? 'b' : 'a';
  return chars.join('');
}

describe(`buildAuthorization vs cos-nodejs-sdk-v5 (seed ${SEED})`, () => {
  const cases = Array.from({ length: 250 }, randomCase_);

  it('produces exactly the SDK Authorization for 250 random requests', () => {
    for (const c of cases) expect(ours(c), JSON.stringify(c)).toBe(sdkAuthorization(c));
  });

  it('verifies every one and rejects a one-character change in path, param, signed header or secret', () => {
    for (const c of cases) {
      const auth = sdkAuthorization(c);
      const parsed = parseAuthorization(auth);
      const check = (p: Partial<Case>) => {
        const v = { ...c, ...p };
        return verifyAuthorization(parsed, v.secretKey, v.method, v.pathname, lookupIn(v.headers), lookupIn(v.query));
      };
      const ctx = JSON.stringify(c);
      expect(check({}), ctx).toBe(true);
      expect(check({ pathname: mutate(c.pathname.slice(1)).replace(/^/, '/') }), ctx).toBe(false);
      const param = pick(Object.keys(c.query));
      expect(check({ query: { ...c.query, [param]: mutate(c.query[param] ?? '') } }), ctx).toBe(false);
      const header = pick(headersToSign(c.headers))[0];
      expect(check({ headers: { ...c.headers, [header]: mutate(c.headers[header]) } }), ctx).toBe(false);
      expect(check({ secretKey: mutate(c.secretKey) }), ctx).toBe(false);
      // Unsigned extras (the SDK's User-Agent, x-cos-security-token added after signing) change nothing.
      const extraHeaders = { ...c.headers, 'x-cos-security-token': 'tok', 'User-Agent': 'agent' };
      expect(check({ headers: extraHeaders, query: { ...c.query, 'x-extra': '1' } }), ctx).toBe(true);
    }
  });

  it('uses the SDK default window (now − 1 … +900) and honours startTime/expiresSeconds', () => {
    const base = { secretId: 'AKIDX', secretKey: 'k', method: 'GET', pathname: '/' };
    const now = Math.round(Date.now() / 1000);
    const parsed = parseAuthorization(buildAuthorization(base));
    expect(parsed.start).toBeGreaterThanOrEqual(now - 2);
    expect(parsed.start).toBeLessThanOrEqual(now);
    expect(parsed.end - parsed.start).toBe(900);
    expect(parsed.keyTime).toBe(parsed.signTime);
    const fixed = parseAuthorization(buildAuthorization({ ...base, startTime: 1_700_000_000, expiresSeconds: 60 }));
    expect(fixed.signTime).toBe('1700000000;1700000060');
    expect(() => buildAuthorization({ ...base, pathname: 'no-slash' })).toThrow(TypeError);
    expect(() => buildAuthorization({ ...base, keyTime: '2;1' })).toThrow(RangeError);
  });

  it('orders parameters by encoded name, following its own list where the SDK does not', () => {
    // For names that need encoding the SDK lists `a%c3%a9;a~` but signs `a~=1&a%c3%a9=2`; a server that follows
    // the list (as §2.2 prescribes) cannot verify that, so for such names we follow the doc instead.
    const c: Case = {
      secretId: 'AKIDX',
      secretKey: 'k',
      method: 'GET',
      pathname: '/o',
      query: { 'a~': '1', aé: '2' },
      headers: { Host: 'h' },
      keyTime: '1;2',
    };
    const auth = ours(c);
    expect(auth.replace(/&q-signature=.*/, '')).toBe(sdkAuthorization(c).replace(/&q-signature=.*/, ''));
    expect(auth).toContain('q-url-param-list=a%c3%a9;a~&');
    expect(verifies(auth, 'k', 'GET', '/o', c.headers, c.query)).toBe(true);
    expect(verifies(sdkAuthorization(c), 'k', 'GET', '/o', c.headers, c.query)).toBe(false);
  });
});

describe('pre-signed URLs from the SDK getObjectUrl', () => {
  const Q = [
    'q-sign-algorithm',
    'q-ak',
    'q-sign-time',
    'q-key-time',
    'q-header-list',
    'q-url-param-list',
    'q-signature',
  ];

  async function urls(): Promise<{ sync: string; async: string }> {
    const cos = new COS({ SecretId: 'AKIDEXAMPLE', SecretKey: 'SECRETEXAMPLE' });
    let sync = '';
    const asyncUrl = await new Promise<string>((resolve, reject) => {
      sync = cos.getObjectUrl(
        {
          Bucket: 'examplebucket-1250000000',
          Region: 'ap-guangzhou',
          Key: 'dir/测试 file(1).txt',
          Query: { 'response-content-disposition': 'attachment; filename="a b.txt"', versionId: 'v1' },
        },
        (err, data) => (err ? reject(err) : resolve(data.Url)),
      );
    });
    return { sync, async: asyncUrl };
  }

  function verifyUrl(url: string, authFrom: 'decoded' | 'raw'): boolean {
    const u = new URL(url);
    const auth =
      authFrom === 'decoded'
        ? Q.map((n) => `${n}=${u.searchParams.get(n) ?? ''}`).join('&') // what a server gets after decoding the query
        : u.search; // raw, still percent-encoded
    const query = Object.fromEntries([...u.searchParams].filter(([k]) => !k.startsWith('q-')));
    return verifyAuthorization(
      parseAuthorization(auth),
      'SECRETEXAMPLE',
      'GET',
      decodeURIComponent(u.pathname),
      lookupIn({ host: u.host }),
      lookupIn(query),
    );
  }

  it('verifies both SDK forms (the async one encodes q-url-param-list as a%3bb), decoded or raw', async () => {
    const { sync, async } = await urls();
    expect(async).toContain('q-url-param-list=response-content-disposition%3bversionid');
    for (const url of [sync, async]) {
      expect(verifyUrl(url, 'decoded')).toBe(true);
      expect(verifyUrl(url, 'raw')).toBe(true);
      expect(verifyUrl(url.replace('versionId=v1', 'versionId=v2'), 'decoded')).toBe(false);
    }
  });

  it('decodes percent-encoded q-* values', () => {
    const parsed = parseAuthorization(
      'q-sign-algorithm=sha1&q-ak=AKIDX&q-sign-time=1557989753%3B1557996953&q-key-time=1557989753%3b1557996953' +
        `&q-header-list=host&q-url-param-list=a%3bb&q-signature=${'0'.repeat(40)}&x-cos-security-token=t`,
    );
    expect(parsed).toEqual<ParsedAuthorization>({
      algorithm: 'sha1',
      ak: 'AKIDX',
      signTime: '1557989753;1557996953',
      keyTime: '1557989753;1557996953',
      start: 1557989753,
      end: 1557996953,
      headerList: ['host'],
      urlParamList: ['a', 'b'],
      signature: '0'.repeat(40),
    });
  });
});

describe('verifyAuthorization details', () => {
  const secret = 'k';
  const authFor = (signTime: string, keyTime: string, http: string, headerList: string, paramList = '') => {
    const sig = createHmac('sha1', signKey(secret, keyTime)).update(stringToSign(signTime, http)).digest('hex');
    return (
      `q-sign-algorithm=sha1&q-ak=AKIDX&q-sign-time=${signTime}&q-key-time=${keyTime}` +
      `&q-header-list=${headerList}&q-url-param-list=${paramList}&q-signature=${sig}`
    );
  };

  it('counts a listed header or parameter that is absent as an empty value', () => {
    const http = httpString('GET', '/o', [['acl', '']], [['host', 'h'], ['x-cos-a', '']]);
    const auth = authFor('1;2', '1;2', http, 'host;x-cos-a', 'acl');
    expect(verifies(auth, secret, 'GET', '/o', { Host: 'h' }, {})).toBe(true);
    expect(verifies(auth, secret, 'GET', '/o', { Host: 'h', 'X-Cos-A': '' }, { acl: '' })).toBe(true);
    expect(verifies(auth, secret, 'GET', '/o', { Host: 'h', 'X-Cos-A': 'v' }, {})).toBe(false);
  });

  it('keys the HMAC with q-key-time and signs q-sign-time when the two differ', () => {
    const http = httpString('PUT', '/o', [], [['host', 'h']]);
    expect(verifies(authFor('5;6', '1;9', http, 'host'), secret, 'PUT', '/o', { host: 'h' }, {})).toBe(true);
    const swapped = authFor('1;9', '5;6', http, 'host').replace(
      'q-sign-time=1;9&q-key-time=5;6',
      'q-sign-time=5;6&q-key-time=1;9',
    );
    expect(verifies(swapped, secret, 'PUT', '/o', { host: 'h' }, {})).toBe(false);
  });

  it('returns false rather than throwing for values that cannot have been signed', () => {
    const auth = buildAuthorization({
      secretId: 'AKIDX',
      secretKey: secret,
      method: 'GET',
      pathname: '/',
      headers: { host: 'h' },
    });
    expect(verifies(auth, secret, 'GET', '/', { host: 'h\uD800' }, {})).toBe(false);
  });
});

describe('parseAuthorization errors', () => {
  const good = buildAuthorization({
    secretId: 'AKIDX',
    secretKey: 'k',
    method: 'GET',
    pathname: '/',
    keyTime: '10;20',
  });
  const replace = (field: string, value: string | null) =>
    good
      .split('&')
      .filter((p) => value !== null || !p.startsWith(`${field}=`))
      .map((p) => (p.startsWith(`${field}=`) ? `${field}=${value}` : p))
      .join('&');
  const parseError = (value: string) => {
    try {
      parseAuthorization(value);
    } catch (err) {
      expect(err).toBeInstanceOf(SignatureParseError);
      return (err as Error).message;
    }
    throw new Error(`parsed without error: ${value}`);
  };

  it('accepts the good value with empty lists', () => {
    expect(parseAuthorization(good)).toMatchObject({ start: 10, end: 20, headerList: [], urlParamList: [] });
  });

  it('names every missing field', () => {
    expect(parseError(replace('q-signature', null))).toBe('missing q-signature');
    expect(parseError(replace('q-header-list', null))).toBe('missing q-header-list');
    expect(parseError('')).toBe(
      'missing q-sign-algorithm, q-ak, q-sign-time, q-key-time, q-header-list, q-url-param-list, q-signature',
    );
    expect(parseError(replace('q-ak', ''))).toBe('q-ak is empty');
  });

  it('rejects other algorithms', () => {
    expect(parseError(replace('q-sign-algorithm', 'sha256'))).toBe('q-sign-algorithm must be sha1, got "sha256"');
  });

  it('rejects malformed times', () => {
    for (const bad of ['10', '10;', ';20', '10;20;30', 'a;b', '10.5;20', '-1;20', '10 ;20']) {
      expect(parseError(replace('q-sign-time', bad))).toMatch(/^q-sign-time must be "<start>;<end>" in Unix seconds/);
    }
    expect(parseError(replace('q-sign-time', '20;10'))).toBe('q-sign-time starts after it ends: "20;10"');
    expect(parseError(replace('q-key-time', 'x'))).toMatch(/^q-key-time must be/);
  });

  it('rejects malformed signatures', () => {
    for (const bad of ['', 'ABCDEF'.padEnd(40, '0'), '0'.repeat(39), '0'.repeat(41), 'g'.repeat(40)]) {
      expect(parseError(replace('q-signature', bad))).toMatch(/^q-signature must be 40 lowercase hex characters/);
    }
  });

  it('rejects duplicates, empty list names and broken percent-encoding', () => {
    expect(parseError(`${good}&q-signature=${'0'.repeat(40)}`)).toBe('q-signature appears more than once');
    expect(parseError(replace('q-header-list', 'host;;range'))).toBe('q-header-list has an empty name: "host;;range"');
    expect(parseError(replace('q-url-param-list', 'a%zz'))).toBe(
      'q-url-param-list has invalid percent-encoding: "a%zz"',
    );
  });
});
