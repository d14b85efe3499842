// The contract's own checks: every channel has a valid example that parses and a malformed one that is
// refused; envelopes and events survive JSON unchanged; the generic handler answers envelopes for every outcome.
import { describe, expect, it } from 'vitest';
import {
  AppEvent,
  ClientMessage,
  BatchManifest,
  ServerMessage,
  channelNames,
  channels,
  envelope,
  serveRequest,
  splitChannel,
  type AppError,
  type ChannelName,
  type Handlers,
  type Request,
  type Response,
} from './index';
import type { JobSummary } from './jobs';
import { accountExamples, accountMalformed } from './test-examples/accounts';
import { detailExamples, detailMalformed } from './test-examples/details';
import { settingsExamples, settingsMalformed } from './test-examples/settings';

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
// Compile-time: every response and event is plain JSON (no Date, bigint, Buffer, Error, functions).
type Assert<T extends true> = T;
type _Responses = Assert<{ [C in ChannelName]: Response<C> extends Json ? true : false }[ChannelName]>;
type _Events = Assert<AppEvent extends Json ? true : false>;

const at = '2026-12-02T10:04:00.000Z';
const bucket = 'photos-1250000000';
const target = { connectionId: 'local', bucket };
const job: JobSummary = {
  id: 'job-1',
  kind: 'upload',
  state: 'running',
  connectionId: 'local',
  bucket,
  prefix: '2026/',
  subject: 'report.pdf',
  others: 0,
  sse: { mode: 'sse-cos' },
  progress: { bytesDone: 5, bytesTotal: 10, filesDone: 0, filesTotal: 1, filesFailed: 0, rate: 2.5, etaSeconds: 2 },
  failures: [],
  createdAt: at,
  finishedAt: null,
  restored: false,
  awaitingSources: false,
  attachment: null,
};
const error: AppError = { kind: 'not-found', code: 'NoSuchBucket', message: 'The bucket does not exist.', details: { requestId: 'r-1', httpStatus: 404, bucket } };
const vault = { state: 'unlocked', protector: 'passphrase' } as const;

/** One valid request and response per channel; adding a channel without an example fails the first test. */
const examples: { [C in ChannelName]: { request: Request<C>; response: Response<C> } } = {
  ...accountExamples,
  ...detailExamples,
  ...settingsExamples,
  'app.info': {
    request: {},
    response: { version: '0.1.0', transport: 'browser', platform: 'linux', nativeDialogs: false, filePaths: false, storeRunning: true, dataLocation: '/home/u/.config/coffer' },
  },
  'connections.list': { request: {}, response: { connections: [{ id: 'local', label: '', kind: 'embedded', appId: '1250000000', state: 'ready' }] } },
  'buckets.list': {
    request: { connectionId: 'local' },
    response: { buckets: [{ name: bucket, region: 'ap-guangzhou', sseOffered: true, defaultEncryption: { mode: 'SSE-COS' }, created: at }] },
  },
  'buckets.create': {
    request: { ...target, region: 'ap-guangzhou' },
    response: { bucket: { name: bucket, region: 'ap-guangzhou', sseOffered: true, defaultEncryption: null, created: null } },
  },
  'objects.list': {
    request: { ...target, prefix: '2026/', pageSize: 500, marker: '2026/a' },
    response: {
      folders: [{ prefix: '2026/album/', name: 'album' }],
      objects: [{ key: '2026/report.pdf', name: 'report.pdf', size: 1_200_000, lastModified: at, etag: '"abc"', storageClass: 'STANDARD' }],
      nextMarker: '2026/report.pdf',
      truncated: true,
    },
  },
  'objects.folders': { request: { ...target, prefix: '2026/', nameFilter: 'alb' }, response: { folders: [{ prefix: '2026/album/', name: 'album' }], complete: true } },
  'objects.status': { request: { ...target, view: 'table', rows: [{ key: '2026/report.pdf', etag: '"abc"' }] }, response: { queued: 1 } },
  'objects.createFolder': { request: { ...target, key: '2026/new/' }, response: { key: '2026/new/' } },
  'objects.delete': { request: { ...target, keys: ['a.txt', 'b.txt'] }, response: { deleted: ['a.txt'], failures: [{ key: 'b.txt', error }] } },
  'jobs.list': { request: {}, response: { jobs: [job] } },
  'jobs.startUpload': {
    request: {
      ...target,
      prefix: '2026/',
      items: [
        { source: { kind: 'path', path: '/home/u/report.pdf' }, key: '2026/report.pdf' },
        { source: { kind: 'stream', streamId: 'abcdef0123', name: 'a.jpg', size: 3, lastModified: at }, key: '2026/album/a.jpg' },
      ],
      sse: { mode: 'sse-c', vaultKeyId: 'vault-key' },
    },
    response: { job },
  },
  'jobs.startDownload': { request: { ...target, prefixes: ['2026/'], destination: { kind: 'attachment' } }, response: { job: { ...job, kind: 'download', sse: null } } },
  'jobs.startEncrypt': { request: { ...target, keys: ['a.txt'], sse: { mode: 'sse-kms' } }, response: { job: { ...job, kind: 'encrypt' } } },
  'jobs.addUploadItems': {
    request: { jobId: 'job-1', items: [{ key: '2026/b.txt', source: { kind: 'stream', streamId: 'stream-2', name: 'b.txt', size: 3, lastModified: at } }], more: false },
    response: { job },
  },
  'jobs.startDelete': { request: { ...target, prefixes: ['2026/album/'] }, response: { job: { ...job, kind: 'delete', sse: null } } },
  'jobs.pause': { request: { jobId: 'job-1' }, response: { job: { ...job, state: 'paused' } } },
  'jobs.resume': { request: { jobId: 'job-1' }, response: { job } },
  'jobs.cancel': { request: { jobId: 'job-1' }, response: { job: { ...job, state: 'cancelled', finishedAt: at } } },
  'jobs.retry': { request: { jobId: 'job-1' }, response: { job } },
  'jobs.dismiss': { request: { jobId: 'job-1' }, response: { jobId: 'job-1' } },
  'multipart.list': { request: { ...target }, response: { uploads: [{ key: 'big.mov', uploadId: 'u-1', initiated: at, ownedByJob: false }], truncated: false } },
  'multipart.abort': { request: { ...target, key: 'big.mov', uploadId: 'u-1' }, response: { aborted: true } },
  'dialogs.pickFiles': { request: {}, response: { paths: ['/home/u/a.txt'] } },
  'dialogs.pickFolder': { request: {}, response: { path: null } },
  'dialogs.saveAs': { request: { suggestedName: 'report.pdf' }, response: { path: '/home/u/report.pdf' } },
  'vault.status': { request: {}, response: vault },
  'vault.unlock': { request: { passphrase: 'correct horse' }, response: vault },
};

/** Bad requests a buggy or hostile page might send, per channel beyond the generic ones. */
const malformed: Partial<Record<ChannelName, unknown[]>> = {
  ...accountMalformed,
  ...detailMalformed,
  ...settingsMalformed,
  'buckets.create': [{ ...target, region: 'ap-guangzhou', name: 'x' }, { ...target, bucket: 'Photos', region: 'ap-guangzhou' }],
  'objects.list': [{ ...target, prefix: '2026' }, { ...target, pageSize: 5000 }, { ...target, delimiter: ',' }],
  'objects.folders': [{ ...target, prefix: '2026' }, { ...target, marker: 'a' }],
  'objects.status': [{ ...target, view: 'table', rows: Array.from({ length: 501 }, (_, i) => ({ key: `k${i}`, etag: 'e' })) }],
  'objects.createFolder': [{ ...target, key: 'no-slash' }],
  'objects.delete': [{ ...target, keys: [] }, { ...target, keys: ['a\0b'] }],
  'jobs.startUpload': [
    { ...target, prefix: '', items: [], sse: { mode: 'sse-cos' } },
    { ...target, prefix: '', items: [{ source: { kind: 'stream', streamId: '../../etc', name: 'a', size: 1, lastModified: at }, key: 'a' }], sse: { mode: 'sse-cos' } },
    { ...target, prefix: '', items: [{ source: { kind: 'path', path: '/a' }, key: 'a' }], sse: { mode: 'sse-c', key: 'AAAA' } },
    { ...target, prefix: '', items: [{ source: { kind: 'path', path: '/a' }, key: 'a' }], sse: { mode: 'sse-c' } },
  ],
  'jobs.startDownload': [{ ...target, destination: { kind: 'attachment' } }],
  'jobs.startEncrypt': [{ ...target, keys: ['a'], sse: { mode: 'none' } }],
  // Nothing named, or the empty prefix (the whole bucket).
  'jobs.startDelete': [{ ...target }, { ...target, prefixes: [''] }, { ...target, prefixes: ['no-slash'] }],
  'vault.unlock': [{ passphrase: '' }, { passphrase: 42 }],
};

const roundTrip = <T>(v: T): unknown => JSON.parse(JSON.stringify(v));

describe('the channel declarations', () => {
  it('has an example for every channel and every name splits into a domain and an action', () => {
    expect(Object.keys(examples).sort()).toEqual([...channelNames].sort());
    for (const name of channelNames) {
      const [domain, action] = splitChannel(name);
      expect(`${domain}.${action}`).toBe(name);
      expect(domain).toMatch(/^[a-z]+$/);
      expect(action).toMatch(/^[a-zA-Z]+$/);
    }
  });

  it.each(channelNames)('%s accepts its example and refuses malformed requests', (name) => {
    const schema = channels[name].request;
    const { request, response } = examples[name];
    expect(schema.safeParse(roundTrip(request)).success).toBe(true);
    // Generic malformations: not an object, an unknown field (requests are strict).
    for (const bad of [null, 'x', 42, [], { ...(request as object), unexpected: true }, ...(malformed[name] ?? [])]) {
      expect(schema.safeParse(bad).success, `${name} accepted ${JSON.stringify(bad)?.slice(0, 120)}`).toBe(false);
    }
    // The answer survives JSON and its envelope parses to the same value.
    const env = { ok: true, value: response };
    expect(envelope(channels[name].response).parse(roundTrip(env))).toEqual(env);
  });

  it('fills defaults so handlers see complete requests', () => {
    const parsed = channels['objects.list'].request.parse({ ...target });
    expect(parsed).toEqual({ ...target, prefix: '', delimiter: '/', pageSize: 1000 });
    expect(channels['buckets.create'].request.parse({ ...target, region: 'ap-guangzhou' }).defaultEncryption).toBe(true);
  });
});

describe('envelopes and events', () => {
  it('an error envelope round-trips JSON and refuses unknown kinds and detail fields', () => {
    const schema = envelope(channels['buckets.list'].response);
    const env = { ok: false, error };
    expect(schema.parse(roundTrip(env))).toEqual(env);
    expect(schema.safeParse({ ok: false, error: { ...error, kind: 'oops' } }).success).toBe(false);
    expect(schema.safeParse({ ok: false, error: { ...error, details: { secretKey: 'x' } } }).success).toBe(false);
    expect(schema.safeParse({ ok: true }).success).toBe(false);
  });

  const events: AppEvent[] = [
    { type: 'job.added', job },
    { type: 'job.progress', jobId: 'job-1', progress: job.progress },
    { type: 'job.notice', jobId: 'job-1', key: 'x', message: 'skipping a link to a folder: x' },
    { type: 'job.state', jobId: 'job-1', state: 'paused', job: { ...job, state: 'paused' } },
    { type: 'job.done', jobId: 'job-1', job: { ...job, state: 'failed', failures: [{ key: 'a', path: '/a', error }] } },
    { type: 'job.removed', jobId: 'job-1' },
    { type: 'object.status', ...target, key: 'a', etag: '"e"', encryption: { state: 'encrypted', mode: 'SSE-KMS', kmsKeyId: 'k' } },
    { type: 'object.status', ...target, key: 'b', etag: '"e"', encryption: { state: 'error', error } },
    { type: 'object.changed', ...target, change: 'put', object: examples['objects.list'].response.objects[0]!, encryption: { state: 'encrypted', mode: 'SSE-COS' } },
    { type: 'object.changed', ...target, change: 'folder', folder: { prefix: 'new/', name: 'new' } },
    { type: 'object.changed', ...target, change: 'deleted', key: 'a' },
    { type: 'store.state', running: false, error: { ...error, kind: 'unavailable', code: 'StoreStart' } },
    { type: 'connections.changed' },
    { type: 'settings.changed' },
    { type: 'vault.state', state: 'locked' },
  ];

  it.each(events.map((e) => [e.type, e] as const))('%s round-trips JSON', (_type, event) => {
    expect(AppEvent.parse(roundTrip(event))).toEqual(event);
    expect(ServerMessage.parse(roundTrip({ events: [event] }))).toEqual({ events: [event] });
  });

  it('refuses an event of an unknown type or with a wrong field', () => {
    expect(AppEvent.safeParse({ type: 'job.exploded', jobId: 'x' }).success).toBe(false);
    expect(AppEvent.safeParse({ type: 'object.changed', ...target, change: 'put', key: 'a' }).success).toBe(false);
    expect(AppEvent.safeParse({ type: 'object.status', ...target, key: 'a', etag: 'e', encryption: { state: 'encrypted' } }).success).toBe(false);
  });

  it('wire frames parse in both directions', () => {
    expect(ClientMessage.parse(roundTrip({ id: 1, channel: 'app.info', request: {} }))).toEqual({ id: 1, channel: 'app.info', request: {} });
    expect(ClientMessage.safeParse({ id: 0, channel: 'app.info', request: {} }).success).toBe(false);
    expect(ServerMessage.parse({ id: 3, envelope: { ok: false, error } })).toEqual({ id: 3, envelope: { ok: false, error } });
    expect(ServerMessage.parse({ pull: [{ streamId: 'abcdef0123', offset: 0 }, { streamId: 'abcdef0124', offset: 5 }] })).toBeTruthy();
    expect(ServerMessage.safeParse({ pull: [{ streamId: 'abcdef0123', offset: -1 }] }).success).toBe(false);
    expect(ServerMessage.safeParse({ pull: [] }).success).toBe(false);
    expect(ServerMessage.parse({ release: ['abcdef0123'] })).toEqual({ release: ['abcdef0123'] });
    // A batch's first line: each file's stream id and size, in the order the bytes follow.
    expect(BatchManifest.parse(JSON.parse('[["abcdef0123",104],["abcdef0124",0]]'))).toEqual([['abcdef0123', 104], ['abcdef0124', 0]]);
    expect(BatchManifest.safeParse([['abcdef0123', -1]]).success).toBe(false);
    expect(BatchManifest.safeParse([]).success).toBe(false);
  });
});

describe('serveRequest', () => {
  const handlers = Object.fromEntries(channelNames.map((n) => [n, () => examples[n].response])) as unknown as Handlers;
  const toAppError = (err: unknown): AppError => ({ kind: 'failed', code: 'Boom', message: String((err as Error).message), details: {} });

  it('answers a valid request with the handler value, defaults filled in', async () => {
    let seen: unknown;
    const h = { ...handlers, 'objects.list': (r: unknown) => ((seen = r), examples['objects.list'].response) } as Handlers;
    const env = await serveRequest(h, 'objects.list', { ...target }, { toAppError });
    expect(env).toEqual({ ok: true, value: examples['objects.list'].response });
    expect(seen).toMatchObject({ prefix: '', pageSize: 1000 });
  });

  it('refuses an unknown channel and a malformed request without calling a handler or echoing the value', async () => {
    const never = () => {
      throw new Error('handler must not run');
    };
    const h = Object.fromEntries(channelNames.map((n) => [n, never])) as unknown as Handlers;
    expect(await serveRequest(h, 'fs.readFile', {}, { toAppError })).toMatchObject({ ok: false, error: { kind: 'usage', code: 'UnknownChannel' } });
    expect(await serveRequest(h, 'constructor', {}, { toAppError })).toMatchObject({ ok: false, error: { kind: 'usage', code: 'UnknownChannel' } });
    const bad = await serveRequest(h, 'vault.unlock', { passphrase: 'hunter2', extra: 'hunter2' }, { toAppError });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'usage', code: 'BadRequest' } });
    expect(JSON.stringify(bad)).not.toContain('hunter2');
  });

  it('turns a thrown error into the taxonomy envelope, and a drifted answer into BadResponse', async () => {
    const throwing = { ...handlers, 'jobs.list': () => Promise.reject(new Error('disk full')) } as Handlers;
    expect(await serveRequest(throwing, 'jobs.list', {}, { toAppError })).toEqual({ ok: false, error: { kind: 'failed', code: 'Boom', message: 'disk full', details: {} } });
    const drifted = { ...handlers, 'jobs.list': () => ({ jobs: [{ ...job, createdAt: new Date() }] }) } as unknown as Handlers;
    expect(await serveRequest(drifted, 'jobs.list', {}, { toAppError })).toMatchObject({ ok: false, error: { kind: 'failed', code: 'BadResponse' } });
  });
});
