// The memory bridge's answers for shared/contract/channels-details.ts (see memory-bridge.ts): a plain, private
// object's details, a share link, a small text preview, renames and moves that succeed. Tests replace any of them
// through the bridge's `handlers` option (e.g. an encrypted object in a public bucket, a conflict).
import type { Handlers, JobSummary } from '../../shared/contract';
import type { ObjectDetails, detailChannels } from '../../shared/contract/channels-details';

const T0 = '2026-12-02T10:04:00.000Z';

/** Details of `key` as the core would give them for a plain object in a private bucket of the embedded store. */
export function details(key: string, extra: Partial<ObjectDetails> = {}): ObjectDetails {
  return {
    key,
    size: 1200,
    contentType: 'text/plain',
    lastModified: T0,
    etag: '"9b2cf535f27731c974343645a3985328"',
    crc64: '14923418340843327471',
    storageClass: 'STANDARD',
    metadata: {},
    headers: {},
    encryption: { mode: 'none' },
    complete: true,
    access: { bucketAcl: 'private', objectAcl: 'private', publicUrl: null, publicUrlBlocked: null },
    localStore: true,
    preview: { kind: 'text', tooLarge: false },
    ...extra,
  };
}

const moveJob = (bucket: string, subject: string): JobSummary => ({
  id: 'move-1',
  kind: 'move',
  state: 'running',
  connectionId: 'local',
  bucket,
  prefix: '',
  subject,
  others: 0,
  sse: null,
  progress: { bytesDone: 0, bytesTotal: 0, filesDone: 0, filesTotal: 0, filesFailed: 0, rate: 0, etaSeconds: null },
  failures: [],
  createdAt: T0,
  finishedAt: null,
  restored: false,
  awaitingSources: false,
  attachment: null,
});

export function detailMemoryHandlers(): Pick<Handlers, keyof typeof detailChannels> {
  return {
    'objects.details': (r) => ({ details: details(r.key) }),
    'objects.share': (r) => ({
      url: `http://127.0.0.1:9000/${r.bucket}/${r.key}?q-sign-algorithm=sha1&q-key-time=0%3B${r.expiresSeconds}`,
      expiresAt: new Date(Date.parse(T0) + r.expiresSeconds * 1000).toISOString(),
      needsSseCKey: false,
    }),
    'objects.preview': () => ({ previewId: 'preview-1', kind: 'text', contentType: 'text/plain; charset=utf-8', size: 17, truncated: false }),
    'objects.previewBytes': () => ({ contentType: 'text/plain; charset=utf-8', base64: btoa('remember the milk') }),
    'objects.rename': (r) => ({ key: r.move.to }),
    'objects.moveConflicts': () => ({ conflicts: [], count: 0 }),
    'jobs.startMove': (r) => ({ job: moveJob(r.bucket, r.moves[0]!.from.replace(/\/$/, '').split('/').pop() ?? '') }),
  };
}
