// The settings and SSE-C key channels as a window calls them, through the contract (serveRequest) onto a real core,
// its embedded store and a real vault: settings survive a restart; the first key creates the vault (a passphrase
// is asked for where nothing else can protect it); an imported key is checked; an upload with a vault key is SSE-C
// on the server under that key, and downloads again without naming it; an export is a new owner-only file (desktop)
// or a one-time attachment on the host's download route (browser), never part of an answer; removing the key says
// what used it and resets a default that named it. No answer carries key bytes.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveRequest, type AppEvent, type ChannelName, type Envelope, type Request, type Response } from '../../../shared/contract';
import { SETTINGS_DEFAULTS } from '../../../shared/contract/settings-defaults';
import { startHost, type RunningHost } from '../../host/host-server';
import { CofferCore } from '../core';
import { toAppError } from '../errors';
import { createHandlers, type Session } from './handlers';

const BUCKET = 'my-files-1250000000';
const PASSPHRASE = 'a long passphrase for the test vault';
const ENV = { COFFER_VAULT_PROTECTOR: 'passphrase' };

let root: string;
let home: string;
let core: CofferCore;
const events: AppEvent[] = [];
/** Every answer, scanned for key bytes at the end. */
const transcript: string[] = [];
let savePath: string | null = null;

const desktop: Session = {
  id: 'window',
  transport: 'electron',
  dialogs: { pickFiles: async () => [], pickFolder: async () => null, saveAs: async () => savePath },
};
const page: Session = { id: 'page', transport: 'browser' };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'coffer-settings-h-'));
  home = join(root, 'home');
  core = await CofferCore.open({ home, env: ENV, transport: 'electron' });
  core.on('event', (e) => events.push(e));
  await core.ready();
});

afterAll(async () => {
  await core?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

async function call<C extends ChannelName>(channel: C, request: Request<C>, session: Session = desktop): Promise<Envelope<Response<C>>> {
  const answer = await serveRequest(createHandlers(core, session), channel, request, { toAppError });
  transcript.push(JSON.stringify(answer));
  return answer as Envelope<Response<C>>;
}

async function ok<C extends ChannelName>(channel: C, request: Request<C>, session?: Session): Promise<Response<C>> {
  const a = await call(channel, request, session);
  if (!a.ok) throw new Error(`${channel}: ${a.error.code}: ${a.error.message}`);
  return a.value;
}

function doneEvent(jobId: string): Promise<AppEvent & { type: 'job.done' }> {
  return new Promise((resolve) => {
    const on = (e: AppEvent) => {
      if (e.type === 'job.done' && e.jobId === jobId) {
        core.off('event', on);
        resolve(e);
      }
    };
    core.on('event', on);
  });
}

async function upload(key: string, bytes: Buffer, sse: Request<'jobs.startUpload'>['sse']) {
  const path = join(root, key.replace(/\//g, '_'));
  await writeFile(path, bytes);
  const { job } = await ok('jobs.startUpload', { connectionId: 'local', bucket: BUCKET, prefix: '', items: [{ source: { kind: 'path', path }, key }], sse });
  const done = await doneEvent(job.id);
  expect(done.job.state, JSON.stringify(done.job.failures)).toBe('completed');
}

describe('settings channels', () => {
  it('answer the defaults, save changes, and keep them across a restart', async () => {
    expect(await ok('settings.get', {})).toEqual({ settings: SETTINGS_DEFAULTS, problem: null });
    const before = events.length;
    const { settings } = await ok('settings.update', { settings: { defaultEncryption: { mode: 'sse-kms' }, partsInFlight: 2, filesInFlight: 5, theme: 'dark' } });
    expect(settings).toMatchObject({ defaultEncryption: { mode: 'sse-kms' }, partsInFlight: 2, filesInFlight: 5, theme: 'dark', language: null });
    // Every window and tab hears of it and reads them again.
    expect(events.slice(before)).toContainEqual({ type: 'settings.changed' });
    const refused = events.length;
    expect(await call('settings.update', { settings: { partsInFlight: 99 } })).toMatchObject({ ok: false, error: { kind: 'usage', code: 'BadRequest' } });
    expect(events.slice(refused)).not.toContainEqual({ type: 'settings.changed' });

    const again = await CofferCore.open({ home, env: ENV, transport: 'electron', starterBucket: false });
    try {
      const answer = await serveRequest(createHandlers(again, desktop), 'settings.get', {}, { toAppError });
      expect(answer).toEqual({ ok: true, value: { settings, problem: null } });
    } finally {
      await again.close();
    }
    await ok('settings.update', { settings: { defaultEncryption: { mode: 'sse-cos' }, partsInFlight: 4, filesInFlight: 32, theme: 'system' } });
  });

  it('an upload job takes the concurrency saved at the moment it starts', async () => {
    const engineOptions = () => (core.jobs as unknown as { engineOptions(): { partConcurrency?: number; fileConcurrency?: number } }).engineOptions();
    await ok('settings.update', { settings: { partsInFlight: 3, filesInFlight: 7 } });
    expect(engineOptions()).toMatchObject({ partConcurrency: 3, fileConcurrency: 7 });
    await ok('settings.update', { settings: { partsInFlight: 4, filesInFlight: 32 } });
    expect(engineOptions()).toMatchObject({ partConcurrency: 4, fileConcurrency: 32 });
  });
});

describe('SSE-C key channels', () => {
  let keyId = '';
  let imported = '';
  const own = randomBytes(32);

  it('the first key creates the vault, asking for a passphrase where nothing else protects it', async () => {
    expect(await ok('ssec.list', {})).toEqual({ keys: [], vault: { state: 'absent', newVaultNeedsPassphrase: true } });
    expect(await call('ssec.generate', { name: 'family photos' })).toMatchObject({ ok: false, error: { kind: 'usage', code: 'VaultPassphraseNeeded' } });
    expect((await ok('ssec.list', {})).vault.state).toBe('absent');

    const { key } = await ok('ssec.generate', { name: 'family photos', vaultPassphrase: PASSPHRASE });
    keyId = key.id;
    expect(key).toMatchObject({ name: 'family photos', fingerprint: expect.stringMatching(/^[A-Za-z0-9+/]{22}==$/) });
    expect(await ok('ssec.list', {})).toEqual({ keys: [key], vault: { state: 'unlocked', newVaultNeedsPassphrase: false } });
    expect(events.some((e) => e.type === 'vault.state' && e.state === 'unlocked')).toBe(true);
    expect(await call('ssec.generate', { name: 'Family Photos' })).toMatchObject({ ok: false, error: { kind: 'conflict', code: 'SseCKeyNameTaken' } });
  });

  it('imports a key written as hex or base64, refusing anything else and the same key twice', async () => {
    expect(await call('ssec.import', { name: 'short', key: own.toString('hex').slice(2) })).toMatchObject({ ok: false, error: { code: 'BadRequest' } });
    const { key } = await ok('ssec.import', { name: 'from backup', key: `  ${own.toString('hex')}\n` });
    imported = key.id;
    expect(key.fingerprint).toBe(createHash('md5').update(own).digest('base64'));
    const twice = await call('ssec.import', { name: 'again', key: own.toString('base64') });
    expect(twice).toMatchObject({ ok: false, error: { kind: 'conflict', code: 'SseCKeyExists', message: 'This key is already in the vault, named "from backup"; nothing was added.' } });
  });

  it('an upload with a vault key is SSE-C under it, and downloads again without naming the key', async () => {
    const data = randomBytes(70_000);
    await upload('private/tax.pdf', data, { mode: 'sse-c', vaultKeyId: imported });
    const client = await core.clientFor('local', BUCKET);
    // Without the key the store will not even say its size; with it, it says SSE-C under this key's MD5.
    await expect(client.headObject(BUCKET, 'private/tax.pdf')).rejects.toMatchObject({ status: 400 });
    const head = await client.headObject(BUCKET, 'private/tax.pdf', { sseCustomerKey: own });
    expect(head.encryption).toEqual({ mode: 'SSE-C', keyMd5: createHash('md5').update(own).digest('base64') });

    const dest = join(root, 'tax-copy.pdf');
    const { job } = await ok('jobs.startDownload', { connectionId: 'local', bucket: BUCKET, keys: ['private/tax.pdf'], destination: { kind: 'file', path: dest } });
    const done = await doneEvent(job.id);
    expect(done.job.state, JSON.stringify(done.job.failures)).toBe('completed');
    expect((await readFile(dest)).equals(data)).toBe(true);
  });

  it('exports to a new owner-only file chosen in the Save dialog, never over an existing one', async () => {
    savePath = join(root, 'backup.key');
    expect(await ok('ssec.export', { id: imported })).toEqual({ kind: 'saved', path: savePath });
    expect(await readFile(savePath, 'utf8')).toBe(`${own.toString('base64')}\n`);
    if (process.platform !== 'win32') expect((await stat(savePath)).mode & 0o777).toBe(0o600);
    expect(await call('ssec.export', { id: imported })).toMatchObject({ ok: false, error: { kind: 'conflict', code: 'ExportFileExists' } });
    savePath = null;
    expect(await ok('ssec.export', { id: imported })).toEqual({ kind: 'cancelled' });
  });

  it('in browser mode the export is a one-time attachment on the token-checked download route', async () => {
    const host: RunningHost = await startHost(core, { rendererDir: root });
    try {
      const answer = await ok('ssec.export', { id: imported }, page);
      expect(answer).toMatchObject({ kind: 'attachment', name: 'from backup.key' });
      const id = answer.kind === 'attachment' ? answer.downloadId : '';
      const get = (token: string) =>
        new Promise<{ status: number; body: string; disposition?: string }>((resolve, reject) => {
          const req = httpRequest({ host: '127.0.0.1', port: host.port, path: `/download/${id}?token=${token}`, headers: { host: `127.0.0.1:${host.port}`, 'sec-fetch-site': 'same-origin' } }, (res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode!, body, disposition: res.headers['content-disposition'] }));
          });
          req.on('error', reject);
          req.end();
        });
      expect((await get('wrong-token')).status).toBe(401);
      const first = await get(host.token);
      expect(first).toMatchObject({ status: 200, body: `${own.toString('base64')}\n` });
      expect(first.disposition).toContain('filename="from backup.key"');
      expect((await get(host.token)).status).toBe(404);
    } finally {
      await host.close();
    }
  });

  it('removing a key says what used it, and a default encryption that named it returns to SSE-COS', async () => {
    await ok('settings.update', { settings: { defaultEncryption: { mode: 'sse-c', vaultKeyId: imported } } });
    await core.sseCUsage.flush();
    expect(await ok('ssec.usage', { id: imported })).toEqual({ count: 1, recent: [{ connectionId: 'local', bucket: BUCKET, key: 'private/tax.pdf' }], activeJobs: 0 });
    expect(await ok('ssec.usage', { id: keyId })).toEqual({ count: 0, recent: [], activeJobs: 0 });

    expect(await ok('ssec.remove', { id: imported })).toEqual({ removed: imported, defaultReset: true });
    expect((await ok('settings.get', {})).settings.defaultEncryption).toEqual({ mode: 'sse-cos' });
    expect((await ok('ssec.list', {})).keys.map((k) => k.name)).toEqual(['family photos']);
    expect(await call('ssec.remove', { id: imported })).toMatchObject({ ok: false, error: { code: 'NoSuchSseCKey' } });
    expect(await call('settings.update', { settings: { defaultEncryption: { mode: 'sse-c', vaultKeyId: imported } } })).toMatchObject({ ok: false, error: { code: 'NoSuchSseCKey' } });
    expect(await ok('ssec.remove', { id: keyId })).toEqual({ removed: keyId, defaultReset: false });
  });

  it('no answer carried a key', () => {
    const forms = [own.toString('base64'), own.toString('hex'), own.toString('base64url')];
    for (const text of transcript) for (const f of forms) expect(text).not.toContain(f);
  });
});

describe('a damaged settings file', () => {
  it('is said in a sentence and the defaults apply', async () => {
    const other = join(root, 'damaged-home');
    await mkdir(other, { recursive: true, mode: 0o700 });
    await writeFile(join(other, 'settings.json'), 'not json at all');
    const again = await CofferCore.open({ home: other, env: ENV, transport: 'electron', starterBucket: false });
    try {
      const answer = await serveRequest(createHandlers(again, desktop), 'settings.get', {}, { toAppError });
      expect(answer).toMatchObject({ ok: true, value: { settings: SETTINGS_DEFAULTS, problem: expect.stringMatching(/settings\.json is damaged/) } });
    } finally {
      await again.close();
    }
  });
});
