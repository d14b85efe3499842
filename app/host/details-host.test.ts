// The details channels as the window uses them, through the contract over a real core (embedded store child) and the
// browser-mode host: details and share links of the embedded store; a preview's bytes fetched once with the token
// (never cached); a rename and a folder move that tell the window which rows went and came; a share link longer
// than 7 days refused by the contract with a sentence.
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveRequest, type AppEvent, type ChannelName, type Envelope } from '../../shared/contract';
import type { CosClient } from '../cos/client';
import { CofferCore } from '../services/core';
import { toAppError } from '../services/errors';
import { createHandlers } from '../services/ipc/handlers';
import { startHost, type RunningHost } from './host-server';

const PUBLIC = 'open-1250000000';
let home: string;
let core: CofferCore;
let host: RunningHost;
let client: CosClient;
const events: AppEvent[] = [];

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'coffer-details-'));
  core = await CofferCore.open({ home, env: {}, transport: 'browser', starterBucket: false });
  host = await startHost(core, { rendererDir: join(home, 'no-renderer') });
  await core.ready();
  core.on('event', (e) => events.push(e));
  client = await core.clientFor('local');
  await client.createBucket(PUBLIC, { acl: 'public-read' });
  await client.putObject(PUBLIC, 'notes.txt', Buffer.from('remember the milk'), { contentType: 'text/plain' });
  await client.putObject(PUBLIC, 'sealed.txt', Buffer.from('sealed words'), { sse: { mode: 'SSE-COS' } });
});

afterAll(async () => {
  await host?.close();
  await core?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

const handlers = () => createHandlers(core, { id: 'test', transport: 'browser' });
async function call<T = unknown>(channel: ChannelName, request: unknown): Promise<Envelope<T>> {
  return (await serveRequest(handlers(), channel, request, { toAppError: (e) => toAppError(e) })) as Envelope<T>;
}
function value<T>(e: Envelope<T>): T {
  if (!e.ok) throw new Error(`${e.error.code}: ${e.error.message}`);
  return e.value;
}

function http(path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: host.port, path, headers: { host: `127.0.0.1:${host.port}` } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const where = { connectionId: 'local', bucket: PUBLIC };

describe('details over the contract', () => {
  it('describes an object of the embedded store, whose public address and share links work as said', async () => {
    const { details } = value(await call<{ details: { localStore: boolean; access: { publicUrl: string | null; publicUrlBlocked: string | null } } }>('objects.details', { ...where, key: 'notes.txt' }));
    expect(details).toMatchObject({ localStore: true, access: { bucketAcl: 'public-read', publicUrlBlocked: null } });
    expect(await (await fetch(details.access.publicUrl!)).text()).toBe('remember the milk');
    const sealed = value(await call<{ details: { access: { publicUrl: string; publicUrlBlocked: string } } }>('objects.details', { ...where, key: 'sealed.txt' })).details;
    expect(sealed.access.publicUrlBlocked).toBe('encrypted');
    expect((await fetch(sealed.access.publicUrl)).status).toBe(403);
    const link = value(await call<{ url: string; needsSseCKey: boolean }>('objects.share', { ...where, key: 'sealed.txt', expiresSeconds: 3600 }));
    expect(link.needsSseCKey).toBe(false);
    expect(await (await fetch(link.url)).text()).toBe('sealed words');
  });

  it('refuses a share link longer than 7 days with a sentence', async () => {
    const r = await call('objects.share', { ...where, key: 'notes.txt', expiresSeconds: 8 * 24 * 3600 });
    expect(r).toEqual({ ok: false, error: expect.objectContaining({ kind: 'usage', message: 'The objects.share request was refused: expiresSeconds: a share link lives at most 7 days.' }) });
  });

  it('serves a preview once, with the token, never cached', async () => {
    const ticket = value(await call<{ previewId: string; kind: string }>('objects.preview', { ...where, key: 'notes.txt' }));
    expect(ticket.kind).toBe('text');
    expect((await http(`/preview/${ticket.previewId}`)).status).toBe(401);
    const res = await http(`/preview/${ticket.previewId}?token=${host.token}`);
    expect(res.status).toBe(200);
    expect(res.body).toBe('remember the milk');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(String(res.headers['content-security-policy'])).toContain('sandbox');
    expect((await http(`/preview/${ticket.previewId}?token=${host.token}`)).status).toBe(404);
  });

  it('renames an object and tells the window which row went and which came; a taken name is a conflict', async () => {
    await client.putObject(PUBLIC, 'draft.txt', Buffer.from('draft'));
    events.length = 0;
    expect(value(await call('objects.rename', { ...where, move: { from: 'draft.txt', to: 'final.txt' } }))).toEqual({ key: 'final.txt' });
    // (and the new row's encryption as a status answer, with no HEAD needed)
    expect(events.filter((e) => e.type === 'object.status')).toEqual([expect.objectContaining({ key: 'final.txt', encryption: { state: 'not-encrypted' } })]);
    expect(events.filter((e) => e.type === 'object.changed')).toEqual([
      { type: 'object.changed', ...where, change: 'deleted', key: 'draft.txt' },
      expect.objectContaining({ type: 'object.changed', ...where, change: 'put', object: expect.objectContaining({ key: 'final.txt', size: 5 }), encryption: { state: 'not-encrypted' } }),
    ]);
    const taken = await call('objects.rename', { ...where, move: { from: 'final.txt', to: 'notes.txt' } });
    expect(taken).toEqual({ ok: false, error: expect.objectContaining({ kind: 'conflict', code: 'DestinationExists', message: 'notes.txt already exists at the top of the bucket; choose whether to replace it or keep both.', phrase: { id: 'destinationExistsAtTop', values: { name: 'notes.txt' } } }) });
  });

  it('moves a folder as a job whose objects leave one place and appear in the other', async () => {
    for (const k of ['trip/a.txt', 'trip/b.txt']) await client.putObject(PUBLIC, k, Buffer.from(k), { sse: { mode: 'SSE-COS' } });
    events.length = 0;
    const { job } = value(await call<{ job: { id: string; kind: string } }>('jobs.startMove', { ...where, moves: [{ from: 'trip/', to: 'archive/trip/' }] }));
    expect(job.kind).toBe('move');
    await expect.poll(() => events.some((e) => e.type === 'job.done' && e.jobId === job.id), { timeout: 30_000 }).toBe(true);
    const changes = events.flatMap((e) => (e.type === 'object.changed' ? [e.change === 'put' ? `put ${e.object.key} ${JSON.stringify(e.encryption)}` : e.change === 'deleted' ? `deleted ${e.key}` : `folder ${e.folder.prefix}`] : [])).sort();
    expect(changes).toEqual([
      'deleted trip/a.txt',
      'deleted trip/b.txt',
      'put archive/trip/a.txt {"state":"encrypted","mode":"SSE-COS"}',
      'put archive/trip/b.txt {"state":"encrypted","mode":"SSE-COS"}',
    ]);
    expect(events.find((e) => e.type === 'job.done')).toMatchObject({ job: { state: 'completed', progress: { filesDone: 2 } } });
  });
});
