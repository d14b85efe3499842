// Local KMS: key creation, listing, the lazily created default key, persistence and file mode, and parsing of
// the x-cos-server-side-encryption-context header.

import { readFile, stat, chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CosError } from '../http/cos-error';
import { newObjectId, newObjectKey, unwrapKey, wrapKey } from './key-wrap';
import { LocalKms, parseKmsContext } from './local-kms';
import { SseIntegrityError } from './sse-data-format';
import { withTempDir } from './sse-test-util';

let tmp: Awaited<ReturnType<typeof withTempDir>>;
let n = 0;
beforeAll(async () => {
  tmp = await withTempDir('sse-kms-');
});
afterAll(() => tmp.cleanup());

const POSIX = process.platform !== 'win32';
const fresh = () => join(tmp.dir, `kms-${n++}`, 'kms.json');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('LocalKms', () => {
  it('creates an empty 0600 file, then keys with UUID ids that survive a reopen', async () => {
    const path = fresh();
    const kms = await LocalKms.open(path);
    expect(kms.list()).toEqual([]);
    if (POSIX) expect((await stat(path)).mode & 0o777).toBe(0o600);

    const a = await kms.createKey({ alias: 'photos', description: 'for the photos bucket' });
    const b = await kms.createKey();
    expect(a.keyId).toMatch(UUID);
    expect(b.keyId).not.toBe(a.keyId);
    expect(kms.list()).toEqual([
      { keyId: a.keyId, alias: 'photos', description: 'for the photos bucket', created: a.created, enabled: true },
      { keyId: b.keyId, created: b.created, enabled: true },
    ]);
    const m = kms.material(a.keyId);
    expect(m?.length).toBe(32);
    expect(kms.material('00000000-0000-4000-8000-000000000000')).toBeUndefined();

    const re = await LocalKms.open(path);
    expect(re.list()).toEqual(kms.list());
    expect(re.material(a.keyId)?.equals(m as Buffer)).toBe(true);
    expect(re.material(a.keyId)?.equals(re.material(b.keyId) as Buffer)).toBe(false);
  });

  it('defaultKeyId creates one key on first use, even under concurrent calls, and remembers it', async () => {
    const path = fresh();
    const kms = await LocalKms.open(path);
    const ids = await Promise.all([kms.defaultKeyId(), kms.defaultKeyId(), kms.defaultKeyId()]);
    expect(new Set(ids).size).toBe(1);
    expect(kms.list()).toHaveLength(1);
    expect(kms.list()[0].alias).toBe('cos/default');
    expect(await (await LocalKms.open(path)).defaultKeyId()).toBe(ids[0]);
  });

  it('rejects a duplicate or malformed alias', async () => {
    const kms = await LocalKms.open(fresh());
    await kms.createKey({ alias: 'a' });
    await expect(kms.createKey({ alias: 'a' })).rejects.toThrow(/already in use/);
    await expect(kms.createKey({ alias: 'has space' })).rejects.toThrow(/alias must be/);
  });

  it('a disabled key yields no material until re-enabled', async () => {
    const path = fresh();
    const kms = await LocalKms.open(path);
    const { keyId } = await kms.createKey();
    await kms.setEnabled(keyId, false);
    expect(kms.material(keyId)).toBeUndefined();
    expect((await LocalKms.open(path)).list()[0].enabled).toBe(false);
    await kms.setEnabled(keyId, true);
    expect(kms.material(keyId)?.length).toBe(32);
    await expect(kms.setEnabled('nope', true)).rejects.toThrow(/does not exist/);
  });

  it('material() returns copies; a wrap with the KMS key binds the encryption context', async () => {
    const kms = await LocalKms.open(fresh());
    const { keyId } = await kms.createKey();
    const mat = kms.material(keyId) as Buffer;
    const oek = newObjectKey();
    const ctx = { bucket: 'b', key: 'k', objectId: newObjectId(), size: 1, partsDigest: '', extra: parseKmsContext('eyJhIjoiYXNkZmEiLCJiIjoiMTIzMzIxIn0=') };
    const w = wrapKey(mat, `kms:${keyId}`, oek, ctx);
    mat.fill(0);
    const again = kms.material(keyId) as Buffer;
    expect(unwrapKey(again, `kms:${keyId}`, w, ctx).equals(oek)).toBe(true);
    expect(() => unwrapKey(again, `kms:${keyId}`, w, { ...ctx, extra: parseKmsContext(Buffer.from('{"a":"x"}').toString('base64')) })).toThrow(
      SseIntegrityError,
    );
  });

  it('fixes a wide file mode, and refuses a corrupt file', async () => {
    const path = fresh();
    await LocalKms.open(path);
    if (POSIX) {
      await chmod(path, 0o640);
      const warnings: string[] = [];
      await LocalKms.open(path, { onWarning: (m) => warnings.push(m) });
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect(warnings[0]).toMatch(/0640/);
    }
    const doc = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, '{oops', { mode: 0o600 });
    await expect(LocalKms.open(path)).rejects.toThrow(/corrupt: not valid JSON/);
    await writeFile(path, JSON.stringify({ ...doc, keys: [{ keyId: 'x', material: '', created: '', enabled: true }] }), { mode: 0o600 });
    await expect(LocalKms.open(path)).rejects.toThrow(/bad or duplicate keyId/);
    await writeFile(path, JSON.stringify({ ...doc, defaultKeyId: '00000000-0000-4000-8000-000000000000' }), { mode: 0o600 });
    await expect(LocalKms.open(path)).rejects.toThrow(/defaultKeyId/);
  });
});

describe('parseKmsContext', () => {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

  it('returns undefined when absent, and a canonical (sorted) JSON string otherwise', () => {
    expect(parseKmsContext(undefined)).toBeUndefined();
    expect(parseKmsContext('eyJhIjoiYXNkZmEiLCJiIjoiMTIzMzIxIn0=')).toBe('{"a":"asdfa","b":"123321"}'); // doc example
    expect(parseKmsContext(b64('{"b":"2","a":"1"}'))).toBe(parseKmsContext(b64('{ "a": "1", "b": "2" }')));
    expect(parseKmsContext(b64('{}'))).toBe('{}');
    expect(parseKmsContext(b64('{"ü":"ö","__proto__":"x"}'))).toBe('{"__proto__":"x","ü":"ö"}');
  });

  it('throws InvalidArgument for anything but base64 of a JSON object of strings', () => {
    for (const bad of ['', 'not base64!', b64('[1]'), b64('"s"'), b64('null'), b64('{"a":1}'), b64('{"a":{"b":"c"}}'), b64('{bad json'), Buffer.from([0xff, 0xfe]).toString('base64'), b64(`{"a":"${'x'.repeat(9000)}"}`)]) {
      try {
        parseKmsContext(bad);
        expect.unreachable(bad);
      } catch (err) {
        expect(err).toBeInstanceOf(CosError);
        expect((err as CosError).code).toBe('InvalidArgument');
        expect((err as Error).message).toMatch(/x-cos-server-side-encryption-context/);
      }
    }
  });
});
