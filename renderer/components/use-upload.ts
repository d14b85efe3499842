// Starting uploads from wherever the files come from (a drop, <input type=file>, a native dialog), always with
// the encryption that the overlay and the options popover announced.
import { useCallback } from 'react';
import type { PageFile } from '../bridge/bridge';
import { findBucket } from '../stores/connections-store';
import type { ListingStore } from '../stores/listing-store';
import { useModel } from '../stores/model-context';
import { effectiveSse } from '../stores/upload-store';

export function useUpload() {
  const model = useModel();

  const sseNow = useCallback(() => {
    const location = model.listing.getState().location;
    const bucket = location ? findBucket(model.connections.getState(), location.connectionId, location.bucket) : undefined;
    return effectiveSse(model.upload.getState().choice, bucket).sse;
  }, [model]);

  const uploadFiles = useCallback(
    async (files: PageFile[]) => {
      // Files chosen while Coffer is still opening the first bucket go there once it is open; never dropped silently.
      const location = model.listing.getState().location ?? (await openedLocation(model.listing));
      if (!location) return model.transfers.setState({ error: { kind: 'usage', code: 'NoBucketOpen', message: 'Open a bucket first, then drop the files again.', details: {} } });
      // An empty folder (or one holding only empty folders) yields no files: say so rather than do nothing.
      if (files.length === 0) return model.transfers.setState({ error: { kind: 'usage', code: 'NothingToUpload', message: 'There were no files to upload.', details: {} } });
      await model.transfers.getState().startUpload(location, files, sseNow());
    },
    [model, sseNow],
  );

  /** Native dialogs (Electron): the picked paths are read by the core. */
  const uploadPicked = useCallback(
    async (kind: 'files' | 'folder') => {
      const location = model.listing.getState().location;
      if (!location) return;
      const api = model.bridge.api;
      const paths: string[] = [];
      if (kind === 'files') {
        const a = await api.dialogs.pickFiles({});
        if (!a.ok) return model.transfers.setState({ error: a.error });
        paths.push(...a.value.paths);
      } else {
        const a = await api.dialogs.pickFolder({});
        if (!a.ok) return model.transfers.setState({ error: a.error });
        if (a.value.path) paths.push(a.value.path);
      }
      if (paths.length === 0) return;
      const items = paths.map((path) => ({ source: { kind: 'path' as const, path }, key: location.prefix + baseName(path) + (kind === 'folder' ? '/' : '') }));
      const answer = await api.jobs.startUpload({ connectionId: location.connectionId, bucket: location.bucket, prefix: location.prefix, items, sse: sseNow() });
      if (!answer.ok) return model.transfers.setState({ error: answer.error });
      model.transfers.getState().apply([{ type: 'job.added', job: answer.value.job }]);
    },
    [model, sseNow],
  );

  return { uploadFiles, uploadPicked };
}

export function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

/** How long files chosen before any bucket is open wait for the first one to open. */
const OPENING_WAIT_MS = 15_000;

function openedLocation(listing: ListingStore): Promise<ReturnType<ListingStore['getState']>['location']> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stop();
      resolve(null);
    }, OPENING_WAIT_MS);
    const stop = listing.subscribe((s) => {
      if (!s.location) return;
      clearTimeout(timer);
      stop();
      resolve(s.location);
    });
  });
}
