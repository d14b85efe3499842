// For contract.test.ts: one valid request and response per channel of channels-details.ts, and malformed requests
// (beyond the generic ones every channel is tried with) that each channel must refuse.
import type { Request, Response } from '../channels';
import type { detailChannels } from '../channels-details';

type Name = keyof typeof detailChannels;

const target = { connectionId: 'local', bucket: 'photos-1250000000' };
const T0 = '2026-12-02T10:04:00.000Z';

const details: Response<'objects.details'>['details'] = {
  key: '2026/report.pdf',
  size: 1_200_000,
  contentType: 'application/pdf',
  lastModified: T0,
  etag: '"9b2cf535f27731c974343645a3985328"',
  crc64: '14923418340843327471',
  storageClass: 'STANDARD',
  metadata: { project: 'coffer' },
  headers: { 'Cache-Control': 'no-cache' },
  encryption: { mode: 'SSE-COS' },
  complete: true,
  access: { bucketAcl: 'public-read', objectAcl: 'private', publicUrl: 'http://127.0.0.1:9000/photos-1250000000/2026/report.pdf', publicUrlBlocked: 'encrypted' },
  localStore: true,
  preview: { kind: 'pdf', tooLarge: false },
};

const job: Response<'jobs.startMove'>['job'] = {
  id: 'job-7',
  kind: 'move',
  state: 'running',
  connectionId: 'local',
  bucket: 'photos-1250000000',
  prefix: '2026/',
  subject: 'album',
  others: 0,
  sse: null,
  progress: { bytesDone: 0, bytesTotal: 0, filesDone: 0, filesTotal: 3, filesFailed: 0, rate: 0, etaSeconds: null },
  failures: [],
  createdAt: T0,
  finishedAt: null,
  restored: false,
  awaitingSources: false,
  attachment: null,
};

export const detailExamples: { [C in Name]: { request: Request<C>; response: Response<C> } } = {
  'objects.details': { request: { ...target, key: '2026/report.pdf' }, response: { details } },
  'objects.share': {
    request: { ...target, key: '2026/report.pdf', expiresSeconds: 3600 },
    response: { url: 'http://127.0.0.1:9000/photos-1250000000/2026/report.pdf?q-sign-algorithm=sha1&q-ak=AKID', expiresAt: T0, needsSseCKey: false },
  },
  'objects.preview': {
    request: { ...target, key: 'notes.txt' },
    response: { previewId: '6f1c0a52-6b8e-4c50-9f0a-1f2f3c4d5e6f', kind: 'text', contentType: 'text/plain; charset=utf-8', size: 17, truncated: false },
  },
  'objects.previewBytes': { request: { previewId: '6f1c0a52-6b8e-4c50-9f0a-1f2f3c4d5e6f' }, response: { contentType: 'text/plain; charset=utf-8', base64: 'cmVtZW1iZXIgdGhlIG1pbGs=' } },
  'objects.rename': { request: { ...target, move: { from: 'notes.txt', to: 'todo.txt' } }, response: { key: 'todo.txt' } },
  'objects.moveConflicts': {
    request: { ...target, moves: [{ from: '2026/album/', to: 'archive/album/' }] },
    response: { conflicts: [{ from: '2026/album/a.jpg', to: 'archive/album/a.jpg' }], count: 1 },
  },
  'jobs.startMove': { request: { ...target, moves: [{ from: '2026/album/', to: 'archive/album/' }], onConflict: 'keep-both' }, response: { job } },
};

export const detailMalformed: Partial<Record<Name, unknown[]>> = {
  // Longer than 7 days, or shorter than a minute.
  'objects.share': [
    { ...target, key: 'a.txt', expiresSeconds: 7 * 24 * 3600 + 1 },
    { ...target, key: 'a.txt', expiresSeconds: 10 },
    { ...target, key: 'a.txt', expiresSeconds: 1.5 * 3600 + 0.5 },
  ],
  'objects.rename': [
    { ...target, move: { from: 'a.txt', to: 'a.txt' } },
    { ...target, move: { from: 'a.txt', to: 'b/' } },
    { ...target, move: { from: 'album/', to: 'album2/' } },
    { ...target, move: { from: 'a.txt', to: 'b.txt' }, onConflict: 'overwrite' },
  ],
  'jobs.startMove': [
    { ...target, moves: [] },
    { ...target, moves: [{ from: 'album/', to: 'album/2026/album/' }] },
    { ...target, moves: [{ from: 'album/', to: 'album.txt' }] },
  ],
  'objects.previewBytes': [{ previewId: '' }],
};
