// The handlers of shared/contract/channels-details.ts; createHandlers (handlers.ts) merges them. Each one finds the
// connection's client in the bucket's region and calls a service: object-details.ts, share-links.ts, previews.ts,
// move.ts, and the job manager for moves of many objects. SSE-C keys are read from the vault only here, by id,
// and only when an object needs one.
import type { Handlers } from '../../../shared/contract';
import type { detailChannels } from '../../../shared/contract/channels-details';
import type { CofferCore } from '../core';
import { moveConflicts, moveObject } from '../move';
import { objectDetails, type SseCKeySource } from '../object-details';
import { previewsOf } from '../previews';
import { shareLink } from '../share-links';
import { stateOfEcho } from '../status-scheduler';
import type { Session } from './handlers';

/** The vault's SSE-C keys, when the vault opens without asking (a locked vault lends none). */
export function vaultSseCKeys(core: CofferCore): SseCKeySource {
  return core.sseCKeys.source();
}

export function detailHandlers(core: CofferCore, session: Session): Pick<Handlers, keyof typeof detailChannels> {
  void session;
  const place = async (connectionId: string, bucket: string) => ({ client: await core.clientFor(connectionId, bucket), region: await core.regionOf(connectionId, bucket) });

  return {
    'objects.details': async ({ connectionId, bucket, key }) => {
      const { client, region } = await place(connectionId, bucket);
      const conn = await core.connection(connectionId);
      return { details: await objectDetails(client, { bucket, key, region }, { keys: vaultSseCKeys(core), localStore: conn.kind === 'embedded' }) };
    },

    'objects.share': async ({ connectionId, bucket, key, expiresSeconds }) => {
      const { client, region } = await place(connectionId, bucket);
      return shareLink(client, { bucket, key, region, expiresSeconds });
    },

    'objects.preview': async ({ connectionId, bucket, key }) => {
      const { client, region } = await place(connectionId, bucket);
      return previewsOf(core).open(client, { bucket, key, region }, vaultSseCKeys(core));
    },

    'objects.previewBytes': async ({ previewId }) => {
      const { contentType, data } = await previewsOf(core).bytes(previewId);
      return { contentType, base64: data.toString('base64') };
    },

    'objects.rename': async ({ connectionId, bucket, move, onConflict }) => {
      const { client, region } = await place(connectionId, bucket);
      const r = await moveObject(client, { bucket, from: move.from, to: move.to, region, onConflict, keys: vaultSseCKeys(core) });
      if (r.outcome === 'skipped') return { key: null };
      const where = { connectionId, bucket };
      const state = stateOfEcho(r.encryption);
      const scheduler = core.scheduler(connectionId);
      scheduler.invalidate(bucket, move.from);
      if (r.etag) scheduler.record(bucket, { key: r.key, etag: r.etag }, state);
      core.emitEvent({ type: 'object.changed', ...where, change: 'deleted', key: move.from });
      const name = r.key.slice(r.key.lastIndexOf('/') + 1);
      core.emitEvent({ type: 'object.changed', ...where, change: 'put', object: { key: r.key, name, size: r.size, lastModified: new Date().toISOString(), etag: r.etag, storageClass: 'STANDARD' }, encryption: state });
      return { key: r.key };
    },

    'objects.moveConflicts': async ({ connectionId, bucket, moves }) => {
      const { client, region } = await place(connectionId, bucket);
      return moveConflicts(client, bucket, moves, region);
    },

    'jobs.startMove': async ({ connectionId, bucket, moves, onConflict }) => {
      await core.connection(connectionId);
      const sseCKeyIds = await vaultSseCKeys(core).ids();
      return { job: await core.jobs.startMove({ kind: 'move', connectionId, bucket, moves, onConflict, sseCKeyIds }) };
    },
  };
}
