// Keyring: creation, reopen, rotation (old kids still unwrap), retirement into escrow and back, refusal cases,
// file modes and atomic-write artefacts, on real files in a temp dir.

import { chmod, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newObjectId, newObjectKey, unwrapKey, wrapKey, type WrapContext } from './key-wrap';
import { Keyring } from './keyring';
import { withTempDir } from './sse-test-util';

let tmp: Awaited<ReturnType<typeof withTempDir>>;
let n = 0;
beforeAll(async () => {
  tmp = await withTempDir('sse-keyring-');
});
afterAll(() => tmp.cleanup());

const STORE = 'store-7b1e9a2c';
const POSIX = process.platform !== 'win32';

/** A fresh layout per test: <root>/data (the data dir) and <root>/keys/keyring.json. */
async function layout() {
  const root = join(tmp.dir, `case-${n++}`);
  const dataDir = join(root, 'data');
  await mkdir(dataDir, { recursive: true });
  return { root, dataDir, path: join(root, 'keys', 'keyring.json') };
}

const mode = async (p: string) => (await stat(p)).mode & 0o777;
const wctx: WrapContext = { bucket: 'b', key: 'k', objectId: newObjectId(), size: 10, partsDigest: '' };

describe('Keyring', () => {
  it('creates the file with key 1 active, mode 0600, and reopens to the same material', async () => {
    const { dataDir, path } = await layout();
    const kr = await Keyring.open(path, { storeId: STORE, dataDir });
    expect(kr.activeKid).toBe(1);
    const [k1] = kr.list();
    expect(k1).toMatchObject({ id: 1, state: 'active' });
    expect(k1.kcv).toMatch(/^[0-9a-f]{16}$/);
    expect(Number.isFinite(Date.parse(k1.created))).toBe(true);
    if (POSIX) expect(await mode(path)).toBe(0o600);
    const m = kr.material(1);
    expect(m.length).toBe(32);

    const again = await Keyring.open(path, { storeId: STORE, dataDir });
    expect(again.material(1).equals(m)).toBe(true);
    expect(again.list()).toEqual(kr.list());
  });

  it('material() hands out copies, so a caller wiping its copy cannot damage the keyring', async () => {
    const { dataDir, path } = await layout();
    const kr = await Keyring.open(path, { storeId: STORE, dataDir });
    const a = kr.material(1);
    const keep = Buffer.from(a);
    a.fill(0);
    expect(kr.material(1).equals(keep)).toBe(true);
  });

  it('rotate: new writes use the new kid, objects wrapped under the old kid still unwrap (also after reopen)', async () => {
    const { dataDir, path } = await layout();
    const kr = await Keyring.open(path, { storeId: STORE, dataDir });
    const oek = newObjectKey();
    const old = wrapKey(kr.material(kr.activeKid), `master:${kr.activeKid}`, oek, wctx);
    const before = await readFile(path, 'utf8');

    const info = await kr.rotate();
    expect(info).toMatchObject({ id: 2, state: 'active' });
    expect(kr.activeKid).toBe(2);
    const k1 = kr.list().find((k) => k.id === 1);
    expect(k1?.state).toBe('decrypt-only');
    expect(Number.isFinite(Date.parse(k1?.deactivated ?? ''))).toBe(true);
    expect(kr.material(1).equals(kr.material(2))).toBe(false);
    expect(unwrapKey(kr.material(1), 'master:1', old, wctx).equals(oek)).toBe(true);

    // The previous file is kept as .bak (0600) and the new one is what a reopen sees.
    expect(await readFile(`${path}.bak`, 'utf8')).toBe(before);
    if (POSIX) expect(await mode(`${path}.bak`)).toBe(0o600);
    const re = await Keyring.open(path, { storeId: STORE, dataDir });
    expect(re.activeKid).toBe(2);
    expect(unwrapKey(re.material(1), 'master:1', old, wctx).equals(oek)).toBe(true);
  });

  it('kids are never reused, even after retirement and reopen; concurrent rotations get distinct kids', async () => {
    const { dataDir, path } = await layout();
    const kr = await Keyring.open(path, { storeId: STORE, dataDir });
    const ids = await Promise.all([kr.rotate(), kr.rotate(), kr.rotate()]);
    expect(ids.map((k) => k.id).sort()).toEqual([2, 3, 4]);
    expect(kr.activeKid).toBe(4);
    await kr.retire(1);
    await kr.retire(3);
    const re = await Keyring.open(path, { storeId: STORE, dataDir });
    expect((await re.rotate()).id).toBe(5);
    expect(re.list().map((k) => [k.id, k.state])).toEqual([
      [1, 'retired'],
      [2, 'decrypt-only'],
      [3, 'retired'],
      [4, 'decrypt-only'],
      [5, 'active'],
    ]);
  });

  it('retire: refuses the active key, moves material to a 0600 escrow file, and restoreFromEscrow brings it back', async () => {
    const { dataDir, path } = await layout();
    const kr = await Keyring.open(path, { storeId: STORE, dataDir });
    const m1 = kr.material(1);
    const oek = newObjectKey();
    const w = wrapKey(m1, 'master:1', oek, wctx);
    await expect(kr.retire(1)).rejects.toThrow(/active key; rotate first/);
    await expect(kr.retire(9)).rejects.toThrow(/not in the keyring/);
    await kr.rotate();
    await kr.retire(1);
    await kr.retire(1); // idempotent

    expect(() => kr.material(1)).toThrow(/retired.*escrow/);
    expect(() => kr.material(42)).toThrow(/not in the keyring/);
    const live = await readFile(path, 'utf8');
    expect(live).not.toContain(m1.toString('base64'));
    const escrowPath = `${path}.escrow.json`;
    expect(kr.escrowPath).toBe(escrowPath);
    const escrow = JSON.parse(await readFile(escrowPath, 'utf8'));
    expect(escrow).toMatchObject({ format: 'cos-sse-keyring-escrow/1', storeId: STORE });
    expect(escrow.keys).toHaveLength(1);
    expect(escrow.keys[0]).toMatchObject({ id: 1, material: m1.toString('base64') });
    if (POSIX) expect(await mode(escrowPath)).toBe(0o600);

    // A restored backup still references kid 1: bring it back from escrow.
    const re = await Keyring.open(path, { storeId: STORE, dataDir });
    expect(() => re.material(1)).toThrow(/retired/);
    await re.restoreFromEscrow(1);
    expect(re.list().find((k) => k.id === 1)?.state).toBe('decrypt-only');
    expect(unwrapKey(re.material(1), 'master:1', w, wctx).equals(oek)).toBe(true);
    expect(re.activeKid).toBe(2);
  });

  it('needsRotation compares the active key\'s age with the period', async () => {
    const { dataDir, path } = await layout();
    const kr = await Keyring.open(path, { storeId: STORE, dataDir });
    const created = Date.parse(kr.list()[0].created);
    expect(kr.needsRotation(365, created + 364 * 86_400_000)).toBe(false);
    expect(kr.needsRotation(365, created + 365 * 86_400_000)).toBe(true);
    expect(kr.needsRotation(365)).toBe(false);
    expect(() => kr.needsRotation(0)).toThrow(RangeError);
  });

  it('reload picks up a rotation made by another process', async () => {
    const { dataDir, path } = await layout();
    const a = await Keyring.open(path, { storeId: STORE, dataDir });
    const b = await Keyring.open(path, { storeId: STORE, dataDir });
    await b.rotate();
    expect(a.activeKid).toBe(1);
    await a.reload();
    expect(a.activeKid).toBe(2);
    expect(a.material(2).equals(b.material(2))).toBe(true);
  });

  it('fixes a keyring readable by group/other to 0600 and says so', async () => {
    if (!POSIX) return;
    const { dataDir, path } = await layout();
    await Keyring.open(path, { storeId: STORE, dataDir });
    await chmod(path, 0o644);
    const warnings: string[] = [];
    await Keyring.open(path, { storeId: STORE, dataDir, onWarning: (m) => warnings.push(m) });
    expect(await mode(path)).toBe(0o600);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/0644.*0600/);
  });
});

describe('Keyring refusals', () => {
  it('refuses a keyring inside the data directory (directly, nested, via .., or via a symlink)', async () => {
    const { root, dataDir } = await layout();
    for (const p of [join(dataDir, 'keyring.json'), join(dataDir, '.cos', 'k', 'keyring.json'), join(root, 'keys', '..', 'data', 'k.json')]) {
      await expect(Keyring.open(p, { storeId: STORE, dataDir })).rejects.toThrow(/inside the data directory/);
    }
    if (POSIX) {
      await symlink(dataDir, join(root, 'alias'));
      await expect(Keyring.open(join(root, 'alias', 'k.json'), { storeId: STORE, dataDir })).rejects.toThrow(/inside the data directory/);
    }
    // A sibling whose name merely starts with the data dir's name is fine.
    await expect(Keyring.open(join(`${dataDir}-keys`, 'keyring.json'), { storeId: STORE, dataDir })).resolves.toBeInstanceOf(Keyring);
  });

  it('refuses a keyring made for another store', async () => {
    const { dataDir, path } = await layout();
    await Keyring.open(path, { storeId: STORE, dataDir });
    await expect(Keyring.open(path, { storeId: 'store-other', dataDir })).rejects.toThrow(/belongs to store store-7b1e9a2c.*refusing/);
  });

  it('refuses a tampered KCV or altered material', async () => {
    const { dataDir, path } = await layout();
    await Keyring.open(path, { storeId: STORE, dataDir });
    const doc = JSON.parse(await readFile(path, 'utf8'));
    const kcv = doc.keys[0].kcv as string;
    doc.keys[0].kcv = `${kcv.slice(0, -1)}${kcv.endsWith('0') ? '1' : '0'}`;
    await writeFile(path, JSON.stringify(doc), { mode: 0o600 });
    await expect(Keyring.open(path, { storeId: STORE, dataDir })).rejects.toThrow(/check value \(KCV\)/);

    doc.keys[0].kcv = kcv;
    const m = Buffer.from(doc.keys[0].material, 'base64');
    m[0] ^= 1;
    doc.keys[0].material = m.toString('base64');
    await writeFile(path, JSON.stringify(doc), { mode: 0o600 });
    await expect(Keyring.open(path, { storeId: STORE, dataDir })).rejects.toThrow(/key 1 does not match its check value/);
  });

  it('refuses corrupt or inconsistent files with a clear message', async () => {
    const { dataDir, path } = await layout();
    const kr = await Keyring.open(path, { storeId: STORE, dataDir });
    await kr.rotate();
    const good = JSON.parse(await readFile(path, 'utf8'));
    const cases: Array<[unknown, RegExp]> = [
      ['{"format":', /corrupt: not valid JSON/],
      [[], /not a JSON object/],
      [{ ...good, format: 'x' }, /format/],
      [{ ...good, keys: [] }, /no keys/],
      [{ ...good, active: 1 }, /"active" is 1/],
      [{ ...good, keys: good.keys.map((k: { state: string }) => ({ ...k, state: 'active' })) }, /2 active keys/],
      [{ ...good, keys: [good.keys[1], good.keys[1]] }, /duplicate key id/],
      [{ ...good, keys: [{ ...good.keys[0], material: 'abc' }, good.keys[1]] }, /material is not 32 bytes/],
      [{ ...good, keys: [{ ...good.keys[0], state: 'retired' }, good.keys[1]] }, /retired key 1 still has material/],
      [{ ...good, lastId: 1 }, /lastId/],
      [{ ...good, protection: { kind: 'root-key' } }, /protection kind "root-key" is not supported/],
    ];
    for (const [doc, msg] of cases) {
      await writeFile(path, typeof doc === 'string' ? doc : JSON.stringify(doc), { mode: 0o600 });
      await expect(Keyring.open(path, { storeId: STORE, dataDir })).rejects.toThrow(msg);
    }
  });

  it('leaves exactly the live file, its .bak and the escrow behind (no tmp files)', async () => {
    const { root, dataDir, path } = await layout();
    const kr = await Keyring.open(path, { storeId: STORE, dataDir });
    await kr.rotate();
    await kr.retire(1);
    const files = (await readdir(join(root, 'keys'))).sort();
    expect(files).toEqual(['keyring.json', 'keyring.json.bak', 'keyring.json.escrow.json']);
  });
});

describe('keyring identity (what a data folder records)', () => {
  it('is the same for every copy of a keyring and different for a new one; a missing file is not created when create is false', async () => {
    const { readKeyringIdentity, WrongKeyringError } = await import('./keyring');
    const { root, dataDir, path } = await layout();
    const kr = await Keyring.open(path, { storeId: STORE, dataDir });
    const idn = kr.identity();
    expect(idn).toMatchObject({ storeId: STORE, id: expect.stringMatching(/^[0-9a-f]{16}$/), created: kr.list()[0].created });
    expect([...idn.checks]).toEqual([[1, kr.list()[0].kcv]]);
    const copy = join(root, 'copy.json');
    await writeFile(copy, await readFile(path));
    expect((await readKeyringIdentity(copy))?.id).toBe(idn.id);
    // Rotation and retirement keep the id; the check values follow the keys that hold material.
    await kr.rotate();
    await kr.retire(1);
    const later = await readKeyringIdentity(path);
    expect(later?.id).toBe(idn.id);
    expect([...later!.checks.keys()]).toEqual([2]);
    const other = join(root, 'other', 'keyring.json');
    expect((await Keyring.open(other, { storeId: STORE, dataDir })).identity().id).not.toBe(idn.id);
    expect(await readKeyringIdentity(join(root, 'none.json'))).toBeUndefined();
    const missing = join(root, 'missing', 'keyring.json');
    await expect(Keyring.open(missing, { storeId: STORE, dataDir, create: false })).rejects.toBeInstanceOf(WrongKeyringError);
    await expect(stat(join(root, 'missing'))).rejects.toThrow();
  });
});
