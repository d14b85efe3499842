// The account channels as a window calls them, through the contract (serveRequest) onto a real core and its embedded
// store, added again as a store account at its URL: the account shows up as a connection with its buckets, every
// change says 'connections.changed', new keys are used at once, and no answer or event carries a secret.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveRequest, type AppEvent, type ChannelName, type Envelope, type Request } from '../../../shared/contract';
import { startFixture } from '../../store/test-support/store-fixture';
import { loadTls } from '../../store/tls';
import { CofferCore } from '../core';
import { toAppError } from '../errors';
import { createHandlers } from './handlers';

let home: string;
let core: CofferCore;
const events: AppEvent[] = [];
const transcript: string[] = [];
let creds: { secretId: string; secretKey: string };
let url: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'coffer-accounts-'));
  core = await CofferCore.open({ home, env: { COFFER_VAULT_PROTECTOR: 'passphrase' }, transport: 'browser' });
  core.on('event', (e) => events.push(e));
  await core.ready();
  const info = core.store.current!;
  creds = info.credentials;
  url = info.url;
});

afterAll(async () => {
  await core?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

async function call<C extends ChannelName>(channel: C, request: Request<C>, transport: 'browser' | 'electron' = 'browser'): Promise<Envelope<unknown>> {
  const answer = await serveRequest(createHandlers(core, { id: 'test', transport }), channel, request, { toAppError });
  transcript.push(JSON.stringify(answer));
  return answer;
}

describe('account channels', () => {
  it('add a wrong account then a right one; it lists its buckets; edit, rename, remove', async () => {
    expect(await call('vault.protection', {})).toEqual({ ok: true, value: { state: 'absent', protector: null, forNewVault: 'passphrase' } });
    const place = { kind: 'store' as const, region: 'ap-guangzhou', endpoint: url };

    const wrong = await call('accounts.add', { name: 'Lab', ...place, credentials: { secretId: creds.secretId, secretKey: `${creds.secretKey}x` }, vaultPassphrase: 'a long passphrase' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'AccountSecretKeyWrong', details: { code: 'SignatureDoesNotMatch' } } });
    expect((await call('vault.protection', {})) as { value: { state: string } }).toMatchObject({ value: { state: 'absent' } });

    const before = events.length;
    const added = (await call('accounts.add', { name: 'Lab', ...place, credentials: creds, vaultPassphrase: 'a long passphrase' })) as Envelope<{ account: { id: string; secretIdMasked: string } }>;
    expect(added.ok).toBe(true);
    const id = added.ok ? added.value.account.id : '';
    expect(events.slice(before).map((e) => e.type)).toContain('connections.changed');
    expect(await call('vault.protection', {})).toMatchObject({ value: { state: 'unlocked', protector: 'passphrase' } });

    const list = (await call('connections.list', {})) as Envelope<{ connections: Array<{ id: string; label: string }> }>;
    expect(list.ok && list.value.connections.map((c) => [c.id, c.label])).toEqual([
      ['local', ''],
      [id, 'Lab'],
    ]);
    expect(await call('buckets.list', { connectionId: id })).toMatchObject({ ok: true, value: { buckets: [{ name: 'my-files-1250000000' }] } });

    // Keys replaced by wrong ones are refused and the account keeps working with the old ones.
    expect(await call('accounts.update', { accountId: id, credentials: { secretId: 'AKIDnobodyHasThisOne000000000000', secretKey: creds.secretKey } })).toMatchObject({ ok: false, error: { code: 'AccountSecretIdUnknown' } });
    expect(await call('accounts.test', { accountId: id, kind: 'store', region: 'ap-guangzhou' })).toMatchObject({ ok: true, value: { appId: '1250000000', buckets: 1 } });
    expect(await call('accounts.update', { accountId: id, name: 'Lab upstairs' })).toMatchObject({ ok: true, value: { account: { name: 'Lab upstairs' } } });
    expect(await call('buckets.list', { connectionId: id })).toMatchObject({ ok: true });

    // While a transfer uses the account (here paused; a file from the disk, as the desktop app sends it), its keys and address stay as they are and it stays in the
    // vault: closing its connection would fail the transfer. A new name is fine.
    const big = join(home, 'big.bin');
    await writeFile(big, Buffer.alloc(48 * 1024 * 1024, 7));
    const started = (await call('jobs.startUpload', {
      connectionId: id,
      bucket: 'my-files-1250000000',
      prefix: '',
      items: [{ source: { kind: 'path', path: big }, key: 'big.bin' }],
      sse: { mode: 'sse-cos' },
    }, 'electron')) as Envelope<{ job: { id: string } }>;
    expect(started, JSON.stringify(started)).toMatchObject({ ok: true });
    const jobId = started.ok ? started.value.job.id : '';
    expect(await call('jobs.pause', { jobId })).toMatchObject({ ok: true });
    const busy = { ok: false, error: { code: 'AccountBusy', message: 'Transfers are still using this account: let them finish, or cancel them in the transfers panel, then try again.' } };
    expect(await call('accounts.remove', { accountId: id })).toMatchObject(busy);
    expect(await call('accounts.update', { accountId: id, region: 'ap-shanghai' })).toMatchObject(busy);
    expect(await call('accounts.update', { accountId: id, name: 'Lab' })).toMatchObject({ ok: true });
    expect(await call('jobs.resume', { jobId })).toMatchObject({ ok: true });
    expect(await call('jobs.cancel', { jobId })).toMatchObject({ ok: true });

    expect(await call('accounts.remove', { accountId: id })).toEqual({ ok: true, value: { accountId: id } });
    const after = (await call('connections.list', {})) as Envelope<{ connections: Array<{ id: string }> }>;
    expect(after.ok && after.value.connections.map((c) => c.id)).toEqual(['local']);
    expect(await call('buckets.list', { connectionId: id })).toMatchObject({ ok: false, error: { code: 'NoSuchConnection' } });

    for (const text of [...transcript, ...events.map((e) => JSON.stringify(e))]) {
      expect(text).not.toContain(creds.secretKey);
      expect(text).not.toContain(creds.secretId);
    }
  });

  it('creates a public-read bucket, changes its default encryption, and deletes it only once it is empty', async () => {
    const b = { connectionId: 'local', bucket: 'shared-1250000000' };
    expect(await call('buckets.create', { ...b, region: 'ap-guangzhou', defaultEncryption: false, access: 'public-read' })).toMatchObject({ ok: true });
    expect(await call('buckets.setEncryption', { ...b, defaultEncryption: { mode: 'SSE-COS' } })).toEqual({ ok: true, value: { defaultEncryption: { mode: 'SSE-COS' } } });
    expect(await call('buckets.list', { connectionId: 'local' })).toMatchObject({ value: { buckets: expect.arrayContaining([expect.objectContaining({ name: b.bucket, defaultEncryption: { mode: 'SSE-COS' } })]) } });
    const client = await core.clientFor('local', b.bucket);
    await client.putObject(b.bucket, 'a.txt', Buffer.from('a'));
    expect(await call('buckets.contents', b)).toEqual({ ok: true, value: { objects: 1, bytes: 1, uploads: 0 } });
    expect(await call('buckets.delete', b)).toMatchObject({ ok: false, error: { kind: 'conflict', code: 'BucketHasObjects' } });
    expect(await call('buckets.empty', b)).toEqual({ ok: true, value: { deleted: 1, aborted: 0, done: false, failures: [] } });
    expect(await call('buckets.empty', b)).toEqual({ ok: true, value: { deleted: 0, aborted: 0, done: true, failures: [] } });
    expect(await call('buckets.delete', b)).toEqual({ ok: true, value: { bucket: b.bucket } });
  });

  it('adds a store over HTTPS whose certificate no authority signed, once its fingerprint is trusted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-tls-'));
    const tls = await loadTls({ tls: 'self-signed' }, dir, dir);
    const https = await startFixture({ tls, credentials: [creds] });
    try {
      const fingerprint = new X509Certificate(tls.cert).fingerprint256;
      const place = { kind: 'store' as const, region: 'ap-guangzhou', endpoint: https.url };
      expect(await call('accounts.test', { ...place, credentials: creds })).toMatchObject({ ok: false, error: { code: 'AccountCertificate', details: { certificateSha256: fingerprint } } });
      // The answer is what the window may see: no certificate, no key.
      expect(await call('accounts.test', { ...place, credentials: creds, trustCertificateSha256: fingerprint })).toEqual({ ok: true, value: { appId: '1250000000', buckets: 0, clockOffsetSeconds: 0 } });
      const added = (await call('accounts.add', { name: 'Secure', ...place, credentials: creds, trustCertificateSha256: fingerprint, vaultPassphrase: 'a long passphrase' })) as Envelope<{ account: { id: string; certificateSha256: string | null } }>;
      expect(added).toMatchObject({ ok: true, value: { account: { certificateSha256: fingerprint } } });
      const id = added.ok ? added.value.account.id : '';
      // Its connection goes through that certificate; a test of the account's own keys too.
      expect(await call('buckets.create', { connectionId: id, bucket: 'tls-1250000000', region: 'ap-guangzhou', defaultEncryption: true })).toMatchObject({ ok: true });
      expect(await call('accounts.test', { accountId: id, kind: 'store', region: 'ap-guangzhou' })).toEqual({ ok: true, value: { appId: '1250000000', buckets: 1, clockOffsetSeconds: 0 } });
      expect(await call('accounts.remove', { accountId: id })).toMatchObject({ ok: true });
    } finally {
      await https.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

