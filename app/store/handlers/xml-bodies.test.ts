// Request bodies the store reads (Delete Multiple Objects, Complete Multipart Upload, bucket encryption, ACLs) are
// held to their schema: a value the schema does not allow is refused before anything changes, the refusal is a
// plain COS sentence (never the XML parser's own wording), and keys arrive exactly as the client wrote them.
// Driven by the official COS SDK where it can send the request, by raw signed HTTP where it cannot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type COS from 'cos-nodejs-sdk-v5';
import { startFixture, type StoreFixture } from '../test-support/store-fixture';
import { errorCode, rawRequest, type RawResponse } from '../test-support/raw-request';

const Region = 'ap-guangzhou';
const SCHEMA_SENTENCE = 'The XML you provided was not well-formed or did not validate against our published schema';
let f: StoreFixture;
let Bucket: string;

beforeAll(async () => {
  f = await startFixture();
  Bucket = f.bucket('xml');
  await f.cos.putBucket({ Bucket, Region });
});
afterAll(async () => {
  await f?.close();
});

interface SdkError {
  statusCode?: number;
  code?: string;
  message?: string;
}

async function failure(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error('expected the call to fail');
}

async function put(Key: string, Body = 'kept'): Promise<void> {
  await f.cos.putObject({ Bucket, Region, Key, Body });
}

async function exists(Key: string): Promise<boolean> {
  try {
    await f.cos.headObject({ Bucket, Region, Key });
    return true;
  } catch (err) {
    if ((err as SdkError).statusCode === 404) return false;
    throw err;
  }
}

const ESCAPES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'", '&amp;': '&' };
const messageOf = (r: RawResponse) => (/<Message>([^<]*)<\/Message>/.exec(r.text)?.[1] ?? '').replace(/&(?:lt|gt|quot|apos|amp);/g, (e) => ESCAPES[e]!);
const md5 = (s: string) => createHash('md5').update(s).digest('base64');

/** POST ?delete with a hand-written body (and its Content-MD5, as COS asks for). */
function deleteRaw(body: string, headers: Record<string, string> = { 'Content-MD5': md5(body) }): Promise<RawResponse> {
  return rawRequest(f.port, { method: 'POST', bucket: 'xml', query: { delete: '' }, body, headers });
}

describe('Delete Multiple Objects', () => {
  it('refuses <Quiet>maybe</Quiet> with MalformedXML and deletes nothing', async () => {
    await put('quiet-maybe.txt');
    const err = await failure(f.cos.deleteMultipleObject({ Bucket, Region, Objects: [{ Key: 'quiet-maybe.txt' }], Quiet: 'maybe' as unknown as boolean }));
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe('MalformedXML');
    expect(err.message).toContain('<Quiet> must be true or false');
    expect(await exists('quiet-maybe.txt')).toBe(true);
  });

  it('still takes true and false (and the schema spellings 1 and 0) for <Quiet>', async () => {
    await put('q1.txt');
    await put('q2.txt');
    const loud = await f.cos.deleteMultipleObject({ Bucket, Region, Objects: [{ Key: 'q1.txt' }], Quiet: false });
    expect(loud.Deleted).toEqual([{ Key: 'q1.txt' }]);
    const quiet = await deleteRaw('<Delete><Quiet> 1 </Quiet><Object><Key>q2.txt</Key></Object></Delete>');
    expect(quiet.status).toBe(200);
    expect(quiet.text).not.toContain('<Deleted>');
    expect(await exists('q2.txt')).toBe(false);
  });

  it("deletes a key with its own leading and trailing spaces, not the trimmed key beside it", async () => {
    await put(' spaced ');
    await put('spaced');
    const r = await f.cos.deleteMultipleObject({ Bucket, Region, Objects: [{ Key: ' spaced ' }] });
    expect(r.Deleted).toEqual([{ Key: ' spaced ' }]);
    expect(await exists(' spaced ')).toBe(false);
    expect(await exists('spaced')).toBe(true);
  });

  it('takes a body that starts with a byte-order mark', async () => {
    await put('bom.txt');
    const r = await deleteRaw('\uFEFF<?xml version="1.0" encoding="UTF-8"?><Delete><Object><Key>bom.txt</Key></Object></Delete>');
    expect(r.status).toBe(200);
    expect(await exists('bom.txt')).toBe(false);
  });

  it('reads character references in a key as the characters they stand for', async () => {
    await put('ref-A');
    await put('ref-&#x41;');
    const r = await deleteRaw('<Delete><Object><Key>ref-&#x41;</Key></Object></Delete>');
    expect(r.status).toBe(200);
    expect(await exists('ref-A')).toBe(false);
    expect(await exists('ref-&#x41;')).toBe(true);
  });

  it.each([
    ['an unknown element', '<Delete><Quite>true</Quite><Object><Key>schema.txt</Key></Object></Delete>', 'MalformedXML', '<Quite>'],
    ['two <Key>s in one <Object>', '<Delete><Object><Key>schema.txt</Key><Key>other.txt</Key></Object></Delete>', 'MalformedXML', 'one <Key>'],
    ['an <Object> without a <Key>', '<Delete><Object><Key>schema.txt</Key></Object><Object></Object></Delete>', 'MalformedXML', 'one <Key>'],
    ['two <Quiet>s', '<Delete><Quiet>true</Quiet><Quiet>false</Quiet><Object><Key>schema.txt</Key></Object></Delete>', 'MalformedXML', '<Quiet>'],
    ['text where elements belong', '<Delete><Object>schema.txt<Key>schema.txt</Key></Object></Delete>', 'MalformedXML', 'text'],
    ['an entity XML does not define', '<Delete><Object><Key>schema&nbsp;txt</Key></Object><Object><Key>schema.txt</Key></Object></Delete>', 'MalformedXML', ''],
    ['a <VersionId> (no versioning here)', '<Delete><Object><Key>schema.txt</Key><VersionId>v1</VersionId></Object></Delete>', 'NotImplemented', 'Versioning'],
  ])('refuses %s and deletes nothing', async (_what, body, code, detail) => {
    await put('schema.txt');
    await put('other.txt');
    const r = await deleteRaw(body);
    expect(errorCode(r)).toBe(code);
    if (code === 'MalformedXML') expect(messageOf(r)).toContain(SCHEMA_SENTENCE);
    expect(messageOf(r)).toContain(detail);
    expect(await exists('schema.txt')).toBe(true);
    expect(await exists('other.txt')).toBe(true);
  });

  it('refuses a single DELETE that names a version too, and keeps the object', async () => {
    await put('versioned.txt');
    const err = await failure(f.cos.deleteObject({ Bucket, Region, Key: 'versioned.txt', VersionId: 'v1' } as COS.DeleteObjectParams));
    expect(err.statusCode).toBe(501);
    expect(err.code).toBe('NotImplemented');
    expect(await exists('versioned.txt')).toBe(true);
  });

  it('refuses a body that does not match its Content-MD5 and deletes nothing', async () => {
    await put('digest.txt');
    const r = await deleteRaw('<Delete><Object><Key>digest.txt</Key></Object></Delete>', { 'Content-MD5': md5('something else') });
    expect(r.status).toBe(400);
    expect(errorCode(r)).toBe('BadDigest');
    expect(await exists('digest.txt')).toBe(true);
  });

  it("answers malformed XML with COS's sentence, not the parser's", async () => {
    await put('broken.txt');
    const r = await deleteRaw('<Delete><Object><Key>broken.txt</Key></Delete>');
    expect(r.status).toBe(400);
    expect(errorCode(r)).toBe('MalformedXML');
    expect(messageOf(r)).toMatch(new RegExp(`^${SCHEMA_SENTENCE}\\. The first error is at line 1, column \\d+\\.$`));
    expect(await exists('broken.txt')).toBe(true);
  });
});

describe('Complete Multipart Upload', () => {
  it("answers a malformed body with COS's sentence, and the upload stays open", async () => {
    const Key = 'complete-broken.bin';
    const init = await f.cos.multipartInit({ Bucket, Region, Key });
    const part = await f.cos.multipartUpload({ Bucket, Region, Key, UploadId: init.UploadId, PartNumber: 1, Body: Buffer.from('part one') });
    for (const body of [
      `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.ETag}</ETag></CompleteMultipartUpload>`,
      '<CompleteMultipartUpload><Part><PartNumber>1</Part>',
      '<<CompleteMultipartUpload/>',
    ]) {
      const r = await rawRequest(f.port, { method: 'POST', bucket: 'xml', key: Key, query: { uploadId: init.UploadId }, body });
      expect(r.status).toBe(400);
      expect(errorCode(r)).toBe('MalformedXML');
      expect(messageOf(r)).toMatch(new RegExp(`^${SCHEMA_SENTENCE}`));
      expect(messageOf(r)).not.toMatch(/tag|char|'|"|\[/i);
    }
    expect(await exists(Key)).toBe(false);
    const parts = await f.cos.multipartListPart({ Bucket, Region, Key, UploadId: init.UploadId });
    expect(parts.Part.map((p) => p.PartNumber)).toEqual(['1']);
    const done = await f.cos.multipartComplete({ Bucket, Region, Key, UploadId: init.UploadId, Parts: [{ PartNumber: 1, ETag: part.ETag }] });
    expect(done.statusCode).toBe(200);
  });
});

describe('bucket encryption', () => {
  const config = (apply: string) =>
    `<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>${apply}</ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`;

  it.each([
    ['a KMS key id with AES256', config('<SSEAlgorithm>AES256</SSEAlgorithm><KMSMasterKeyID>some-key</KMSMasterKeyID>'), 'InvalidArgument', 'KMSMasterKeyID'],
    ['an unknown element', config('<SSEAlgorithm>AES256</SSEAlgorithm><BucketKeyEnabled>true</BucketKeyEnabled>'), 'MalformedXML', '<BucketKeyEnabled>'],
    ['two algorithms', config('<SSEAlgorithm>AES256</SSEAlgorithm><SSEAlgorithm>KMS</SSEAlgorithm>'), 'MalformedXML', '<SSEAlgorithm>'],
    ['a malformed document', '<ServerSideEncryptionConfiguration><Rule></ServerSideEncryptionConfiguration>', 'MalformedXML', 'line 1'],
  ])('refuses %s and leaves the bucket without default encryption', async (_what, body, code, detail) => {
    const r = await rawRequest(f.port, { method: 'PUT', bucket: 'xml', query: { encryption: '' }, body });
    expect(r.status).toBe(400);
    expect(errorCode(r)).toBe(code);
    expect(messageOf(r)).toContain(detail);
    expect(errorCode(await rawRequest(f.port, { bucket: 'xml', query: { encryption: '' } }))).toBe('NoSuchEncryptionConfiguration');
  });

  it('still takes a rule written with spaces around the algorithm', async () => {
    const r = await rawRequest(f.port, { method: 'PUT', bucket: 'xml', query: { encryption: '' }, body: config('\n  <SSEAlgorithm> AES256 </SSEAlgorithm>\n') });
    expect(r.status).toBe(200);
    const got = await rawRequest(f.port, { bucket: 'xml', query: { encryption: '' } });
    expect(got.text).toContain('<SSEAlgorithm>AES256</SSEAlgorithm>');
    await f.cos.deleteBucketEncryption({ Bucket, Region });
  });
});

describe('ACLs', () => {
  const OTHER = 'qcs::cam::uin/100000000011:uin/100000000011';
  const anonymousGet = (key: string) => rawRequest(f.port, { bucket: 'xml', key, sign: false });

  it('refuses bucket grant headers with NotImplemented, saying only canned ACLs work, and keeps the ACL', async () => {
    await put('acl-bucket.txt');
    const err = await failure(f.cos.putBucketAcl({ Bucket, Region, GrantRead: `id="${OTHER}"`, GrantFullControl: `id="${OTHER}"` }));
    expect(err.statusCode).toBe(501);
    expect(err.code).toBe('NotImplemented');
    expect(err.message).toContain('only canned ACLs');
    expect(err.message).toContain('x-cos-acl');
    const acl = await f.cos.getBucketAcl({ Bucket, Region });
    expect(acl.ACL).toBe('private');
    expect((await anonymousGet('acl-bucket.txt')).status).toBe(403);
  });

  it('refuses grant headers beside a canned ACL too, changing nothing', async () => {
    const err = await failure(f.cos.putBucketAcl({ Bucket, Region, ACL: 'public-read', GrantWrite: `id="${OTHER}"` }));
    expect(err.code).toBe('NotImplemented');
    expect((await f.cos.getBucketAcl({ Bucket, Region })).ACL).toBe('private');
  });

  it('refuses an AccessControlPolicy body with NotImplemented and keeps the ACL', async () => {
    const err = await failure(
      f.cos.putBucketAcl({
        Bucket,
        Region,
        AccessControlPolicy: {
          Owner: { ID: OTHER },
          Grants: [{ Grantee: { URI: 'http://cam.qcloud.com/groups/global/AllUsers' }, Permission: 'READ' }],
        },
      } as unknown as COS.PutBucketAclParams),
    );
    expect(err.statusCode).toBe(501);
    expect(err.code).toBe('NotImplemented');
    expect(err.message).toContain('x-cos-acl');
    expect((await f.cos.getBucketAcl({ Bucket, Region })).ACL).toBe('private');
    expect((await anonymousGet('acl-bucket.txt')).status).toBe(403);
  });

  it('refuses object grant headers and ACL bodies the same way, keeping the object ACL', async () => {
    await put('acl-object.txt');
    const grant = await failure(f.cos.putObjectAcl({ Bucket, Region, Key: 'acl-object.txt', GrantRead: `id="${OTHER}"` }));
    expect(grant.code).toBe('NotImplemented');
    const body = '<AccessControlPolicy><AccessControlList><Grant><Grantee><URI>http://cam.qcloud.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>';
    const doc = await rawRequest(f.port, { method: 'PUT', bucket: 'xml', key: 'acl-object.txt', query: { acl: '' }, body });
    expect(doc.status).toBe(501);
    expect(errorCode(doc)).toBe('NotImplemented');
    expect((await anonymousGet('acl-object.txt')).status).toBe(403);
  });

  it('asks for x-cos-acl when PUT ?acl says nothing', async () => {
    const r = await rawRequest(f.port, { method: 'PUT', bucket: 'xml', query: { acl: '' } });
    expect(r.status).toBe(400);
    expect(errorCode(r)).toBe('InvalidArgument');
    expect(messageOf(r)).toContain('x-cos-acl');
  });

  it('still sets canned ACLs', async () => {
    await put('acl-canned.txt');
    await f.cos.putObjectAcl({ Bucket, Region, Key: 'acl-canned.txt', ACL: 'public-read' });
    expect((await anonymousGet('acl-canned.txt')).status).toBe(200);
    await f.cos.putObjectAcl({ Bucket, Region, Key: 'acl-canned.txt', ACL: 'private' });
    expect((await anonymousGet('acl-canned.txt')).status).toBe(403);
  });
});

describe('POST Object forms', () => {
  it("answers a broken form with a plain sentence, not the form parser's", async () => {
    const boundary = 'coffer-boundary';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="key"\r\n\r\nform.txt\r\n--${boundary}\r\nContent-Disposition: form-da`;
    const r = await rawRequest(f.port, { method: 'POST', bucket: 'xml', sign: false, body, headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } });
    expect(r.status).toBe(400);
    expect(errorCode(r)).toBe('MalformedPOSTRequest');
    expect(messageOf(r)).toBe('The body of your POST request is not well-formed multipart/form-data.');
    expect(await exists('form.txt')).toBe(false);
  });
});
