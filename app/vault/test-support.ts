// Shared fixtures for the vault tests (not shipped code): temp COFFER_HOMEs, sample profiles, and a stand-in
// for Electron's safeStorage built on real AES-256-GCM (Electron cannot run here).

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { passphraseProtector } from './protectors';
import type { SafeStorageLike } from './protectors';

export const TEST_COST = 2 ** 15; // the minimum the vault accepts; keeps the suite fast

export const fastPassphrase = (p: string) => passphraseProtector(p, { cost: TEST_COST });

export async function tempHome(): Promise<{ root: string; home: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'coffer-vault-'));
  return { root, home: join(root, 'home'), cleanup: () => rm(root, { recursive: true, force: true }) };
}

export const SECRET_KEY = 'Zk3PqW8xR2mN5tY7vB1cD4fG6hJ9kL0s';
export const SESSION_TOKEN = 'sessTok_9f8e7d6c5b4a3928171605f4e3d2c1b0a99887766554433221100ffeeddccbbaa';
export const SECRET_ID = 'AKIDq1w2e3r4t5y6u7i8o9p0a1s2d3f4abcd';

export function sampleProfile(over: Record<string, unknown> = {}) {
  return {
    name: 'prod',
    kind: 'cos',
    region: 'ap-guangzhou',
    appid: '1250000000',
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
    sessionToken: SESSION_TOKEN,
    ...over,
  };
}

/** Behaves like Electron's safeStorage with a working OS keyring: opaque, authenticated, per-"machine" key. */
export function fakeSafeStorage(opts: { backend?: string; available?: boolean } = {}): SafeStorageLike & { calls: number } {
  const key = randomBytes(32);
  const fake = {
    calls: 0,
    isEncryptionAvailable: () => opts.available ?? true,
    getSelectedStorageBackend: () => opts.backend ?? 'gnome_libsecret',
    encryptString(plain: string): Buffer {
      fake.calls++;
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([Buffer.from('v11'), iv, ct, c.getAuthTag()]);
    },
    decryptString(blob: Buffer): string {
      fake.calls++;
      const iv = blob.subarray(3, 15);
      const d = createDecipheriv('aes-256-gcm', key, iv);
      d.setAuthTag(blob.subarray(blob.length - 16));
      return Buffer.concat([d.update(blob.subarray(15, blob.length - 16)), d.final()]).toString('utf8');
    },
  };
  return fake;
}
