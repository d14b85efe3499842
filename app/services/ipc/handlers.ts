// Every contract channel's handler, once, for both transports (Electron main registers them with ipcMain, the
// browser host serves them over its WebSocket): each receives a request already parsed by the channel's schema
// (shared/contract/serve.ts) and calls the core. A session is one window or one page: status views and browser
// streams belong to it. What a transport cannot do is refused with a sentence (native dialogs in the browser, a
// local path given by a page, a streamed file in Electron).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bucket, Connection, Handlers, IncompleteUpload } from '../../../shared/contract';
import { COS_SSE_REGIONS, sseOfferedIn } from '../../cos/sse-regions';
import { JournalStore } from '../../engine/journal';
import { cofferPaths } from '../../vault';
import { createBucketAsAsked } from '../bucket-admin';
import { listBuckets } from '../buckets';
import type { CofferCore } from '../core';
import { ServiceError, toAppError } from '../errors';
import { createFolder, listFolders, listPage } from '../listing';
import { PROJECT_ROOT } from '../store-launch';
import { accountHandlers } from './account-handlers';
import { detailHandlers } from './detail-handlers';
import { settingsHandlers } from './settings-handlers';

/** What only a desktop window can do: the OS's file dialogs. */
export interface NativeDialogs {
  pickFiles(): Promise<string[]>;
  pickFolder(): Promise<string | null>;
  saveAs(suggestedName: string): Promise<string | null>;
}

export interface Session {
  /** Unique per window or page: names its status view and owns its streams. */
  id: string;
  transport: 'electron' | 'browser';
  dialogs?: NativeDialogs;
}

let version: string | undefined;
function appVersion(): string {
  if (version === undefined) {
    try {
      version = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
    } catch {
      version = '0.0.0';
    }
  }
  return version;
}

function unavailable(what: string): never {
  throw new ServiceError('unavailable', 'NotInThisWindow', what);
}

export function createHandlers(core: CofferCore, session: Session): Handlers {
  const browser = session.transport === 'browser';
  const view = (name: string) => `${session.id}:${name}`;
  const dialogs = () => session.dialogs ?? unavailable('This window has no file dialogs here: drop files onto the list, or use the Upload button.');

  return {
    ...accountHandlers(core, session),
    ...detailHandlers(core, session),
    ...settingsHandlers(core, session),
    'app.info': () => ({
      version: core.opts.version ?? appVersion(),
      transport: session.transport,
      platform: process.platform,
      nativeDialogs: session.dialogs !== undefined,
      filePaths: !browser,
      storeRunning: core.store.current !== undefined,
      dataLocation: core.home,
    }),

    'connections.list': async () => ({ connections: (await core.connections.list()) satisfies Connection[] }),

    'buckets.list': async ({ connectionId }) => {
      const client = await core.clientFor(connectionId);
      const buckets = await listBuckets(client);
      return {
        buckets: buckets.map((b): Bucket => {
          const region = b.region || client.region;
          core.learnRegion(connectionId, b.name, region);
          const enc = b.defaultEncryption;
          return {
            name: b.name,
            region,
            sseOffered: sseOfferedIn(region, COS_SSE_REGIONS),
            defaultEncryption: enc === null ? null : enc.mode === 'unknown' ? 'unknown' : enc,
            created: b.createdAt || null,
          };
        }),
      };
    },

    'buckets.create': async ({ connectionId, bucket, region, defaultEncryption, access }) => {
      const sseOffered = sseOfferedIn(region, COS_SSE_REGIONS);
      const conn = await core.connection(connectionId);
      const made = await createBucketAsAsked(conn.client(region), bucket, { region, defaultEncryption, access });
      core.learnRegion(connectionId, bucket, region);
      core.emitEvent({ type: 'connections.changed' });
      return { bucket: { name: made.name, region, sseOffered, defaultEncryption: made.defaultEncryption?.mode === 'SSE-COS' ? { mode: 'SSE-COS' } : null, created: made.createdAt } };
    },

    'objects.list': async ({ connectionId, bucket, prefix, marker, pageSize, nameFilter }) => {
      const client = await core.clientFor(connectionId, bucket);
      return listPage(client, bucket, { prefix, marker, pageSize, nameFilter });
    },

    'objects.folders': async ({ connectionId, bucket, prefix, nameFilter }) => {
      const client = await core.clientFor(connectionId, bucket);
      return listFolders(client, bucket, { prefix, ...(nameFilter ? { nameFilter } : {}) });
    },

    'objects.status': async ({ connectionId, bucket, view: name, rows, force }) => {
      await core.connection(connectionId);
      return { queued: core.scheduler(connectionId).watch(view(name), bucket, rows, force).queued };
    },

    'objects.createFolder': async ({ connectionId, bucket, key }) => {
      const client = await core.clientFor(connectionId, bucket);
      await createFolder(client, bucket, key);
      core.emitEvent({ type: 'object.changed', connectionId, bucket, change: 'folder', folder: { prefix: key, name: key.slice(0, -1).split('/').pop() ?? '' } });
      return { key };
    },

    'objects.delete': async ({ connectionId, bucket, keys }) => {
      const client = await core.clientFor(connectionId, bucket);
      const res = await client.deleteObjects(bucket, keys);
      for (const key of res.deleted) {
        core.scheduler(connectionId).invalidate(bucket, key);
        core.emitEvent({ type: 'object.changed', connectionId, bucket, change: 'deleted', key });
      }
      const failures = res.errors.map((e) => ({ key: e.key, error: toAppError(new ServiceError(e.code === 'AccessDenied' ? 'access' : 'failed', e.code, `cos://${bucket}/${e.key} could not be deleted (${e.code}): ${e.message}`, { bucket, key: e.key })) }));
      return { deleted: res.deleted, failures };
    },

    'jobs.list': () => ({ jobs: core.jobs.list() }),

    'jobs.startUpload': async ({ connectionId, bucket, prefix, items, sse, more }) => {
      for (const item of items) {
        if (browser && item.source.kind === 'path') unavailable('In the browser, files are sent by the page: drop them or pick them with the Upload button.');
        if (!browser && item.source.kind === 'stream') unavailable('The desktop app reads dropped files from their paths.');
      }
      return { job: await core.jobs.startUpload({ connectionId, bucket, prefix, items, sse, more }, session.id) };
    },

    'jobs.addUploadItems': async ({ jobId, items, more }) => {
      if (items.some((item) => item.source.kind !== 'stream')) unavailable('Only an upload of files sent by the page grows: drop or pick the files again.');
      return { job: await core.jobs.addUploadItems({ jobId, items, more }, session.id) };
    },

    'jobs.startDownload': async ({ connectionId, bucket, keys, prefixes, destination }) => {
      if (browser && destination.kind !== 'attachment') unavailable('In the browser, a download is saved by the browser itself.');
      if (!browser && destination.kind === 'attachment') unavailable('The desktop app saves downloads where you choose.');
      return { job: await core.jobs.startDownload({ kind: 'download', connectionId, bucket, keys, prefixes, destination }) };
    },

    'jobs.startEncrypt': async ({ connectionId, bucket, keys, prefixes, sse }) => {
      return { job: await core.jobs.startEncrypt({ kind: 'encrypt', connectionId, bucket, keys, prefixes, sse }) };
    },

    'jobs.startDelete': async ({ connectionId, bucket, keys, prefixes }) => {
      return { job: await core.jobs.startDelete({ kind: 'delete', connectionId, bucket, keys, prefixes }) };
    },

    'jobs.pause': ({ jobId }) => ({ job: core.jobs.pause(jobId) }),
    'jobs.resume': async ({ jobId }) => ({ job: await core.jobs.resume(jobId) }),
    'jobs.cancel': async ({ jobId }) => ({ job: await core.jobs.cancel(jobId) }),
    'jobs.retry': async ({ jobId }) => ({ job: await core.jobs.retry(jobId) }),
    'jobs.dismiss': async ({ jobId }) => {
      await core.jobs.dismiss(jobId);
      return { jobId };
    },

    'multipart.list': async ({ connectionId, bucket, prefix }) => {
      const client = await core.clientFor(connectionId, bucket);
      const page = await client.listMultipartUploads(bucket, { prefix });
      const journals = await new JournalStore(cofferPaths(core.home).journals).list();
      const owned = new Set(journals.map((j) => j.journal.uploadId));
      const uploads = page.uploads.map(
        (u): IncompleteUpload => ({ key: u.key, uploadId: u.uploadId, initiated: isoOrEpoch(u.initiated), ownedByJob: owned.has(u.uploadId) }),
      );
      return { uploads, truncated: page.isTruncated };
    },

    'multipart.abort': async ({ connectionId, bucket, key, uploadId }) => {
      const client = await core.clientFor(connectionId, bucket);
      await client.abortMultipartUpload(bucket, key, uploadId);
      const journals = new JournalStore(cofferPaths(core.home).journals);
      for (const j of await journals.list()) if (j.journal.uploadId === uploadId) await journals.remove(j.id);
      return { aborted: true as const };
    },

    'dialogs.pickFiles': async () => ({ paths: await dialogs().pickFiles() }),
    'dialogs.pickFolder': async () => ({ path: await dialogs().pickFolder() }),
    'dialogs.saveAs': async ({ suggestedName }) => ({ path: await dialogs().saveAs(suggestedName) }),

    'vault.status': async () => vaultStatus(await core.vault.status()),
    'vault.unlock': async ({ passphrase }) => vaultStatus(await core.vault.unlock(passphrase)),
  };
}

function vaultStatus(s: { state: 'none' | 'locked' | 'unlocked'; protector: 'passphrase' | 'keychain' | 'safeStorage' | null }) {
  return { state: s.state === 'none' ? ('absent' as const) : s.state, protector: s.protector === 'safeStorage' ? ('safe-storage' as const) : s.protector };
}

function isoOrEpoch(d: string | Date | undefined): string {
  const date = d instanceof Date ? d : d ? new Date(d) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : new Date(0).toISOString();
}
