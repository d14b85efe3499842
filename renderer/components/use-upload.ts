// Starting uploads from wherever the files come from (a drop, <input type=file>, a native dialog), always with
// the encryption that the overlay and the options popover announced. A bucket whose region offers no encryption
// takes files only unencrypted, after the user agreed once. A file whose name is taken in the folder on screen is
// asked about first (replace, keep both, skip), never overwritten silently.
import { useCallback } from 'react';
import type { MoreFiles, PageFile } from '../bridge/bridge';
import type { AppError } from '../../shared/contract';
import { findBucket } from '../stores/connections-store';
import type { ListingStore } from '../stores/listing-store';
import type { ConflictChoice } from '../../shared/contract/channels-details';
import { freeName, takenAmong } from '../lib/upload-conflicts';
import type { AppModel } from '../stores/app-model';
import type { Location } from '../stores/listing-store';
import { useModel } from '../stores/model-context';
import { detailsStore } from './details/details-store';
import { bucketId, effectiveSse } from '../stores/upload-store';
import type { SseChoice } from '../../shared/contract';

export function useUpload() {
  const model = useModel();

  /** The encryption for an upload to `location`; null when its region offers none and the user did not agree. */
  const sseFor = useCallback(
    async (location: Location): Promise<SseChoice | null> => {
      const bucket = findBucket(model.connections.getState(), location.connectionId, location.bucket);
      const upload = model.upload.getState();
      const { sse, notOffered } = effectiveSse(upload.choice, bucket);
      if (!notOffered || !bucket) return sse;
      const id = bucketId(location.connectionId, location.bucket);
      if (!upload.unencryptedAgreed.has(id)) {
        const agreed = await new Promise<boolean>((resolve) => detailsStore(model).getState().openDialog({ kind: 'unencrypted', region: bucket.region, resolve }));
        if (!agreed) return null;
        model.upload.getState().agreeUnencrypted(id);
      }
      return { mode: 'none' };
    },
    [model],
  );

  /**
   * Uploads `files` (and `more`, still being found: files inside dropped folders, which no name question concerns)
   * and makes `emptyFolders`, in `at` or else the folder on screen. Answers where it started, or null when nothing
   * was started: no bucket open, nothing given, or the user cancelled.
   */
  const uploadFiles = useCallback(
    async (files: PageFile[], emptyFolders: string[] = [], more?: MoreFiles, at?: Location): Promise<Location | null> => {
      const refuse = (error: AppError) => {
        model.transfers.setState({ error });
        return null;
      };
      // Files chosen while Coffer is still opening the first bucket go there once it is open; never dropped silently.
      const location = at ?? model.listing.getState().location ?? (await openedLocation(model.listing));
      if (!location) return refuse({ kind: 'usage', code: 'NoBucketOpen', message: 'Open a bucket first, then drop the files again.', details: {} });
      // Nothing at all (an <input> that gave no file): say so rather than do nothing.
      if (files.length === 0 && emptyFolders.length === 0) return refuse({ kind: 'usage', code: 'NothingToUpload', message: 'There was nothing to upload.', details: {} });
      // A dropped folder that holds nothing is made as a folder, as New folder makes one: no file would make it.
      for (const folder of emptyFolders) {
        const failed = await model.listing.getState().createFolder(location.prefix + folder.replace(/^\/+/, ''), location);
        if (failed) return refuse(failed);
      }
      if (files.length === 0) return location;
      const sse = await sseFor(location);
      if (!sse) return null;
      const names = await settleTakenNames(
        model,
        location,
        files.map((f) => f.relativePath.replace(/^\/+/, '')),
      );
      if (!names) return null;
      const chosen = files.flatMap((f, i) => (names[i] === null ? [] : [{ ...f, relativePath: names[i]! }]));
      if (chosen.length === 0 && !more) return null;
      return (await model.transfers.getState().startUpload(location, chosen, sse, more)) ? location : null;
    },
    [model, sseFor],
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
      const sse = await sseFor(location);
      if (!sse) return;
      const names = kind === 'files' ? await settleTakenNames(model, location, paths.map(baseName)) : [baseName(paths[0]!) + '/'];
      if (!names) return;
      const items = paths.flatMap((path, i) => (names[i] === null ? [] : [{ source: { kind: 'path' as const, path }, key: location.prefix + names[i]! }]));
      if (items.length === 0) return;
      const answer = await api.jobs.startUpload({ connectionId: location.connectionId, bucket: location.bucket, prefix: location.prefix, items, sse });
      if (!answer.ok) return model.transfers.setState({ error: answer.error });
      model.transfers.getState().apply([{ type: 'job.added', job: answer.value.job }]);
    },
    [model, sseFor],
  );

  return { uploadFiles, uploadPicked };
}

/**
 * The names to upload under: as given, or, where a loaded row has one of them, as the user answers (each name, a new
 * one for "Keep both", null for a file skipped). Null when the user cancelled.
 */
async function settleTakenNames(model: AppModel, location: Location, names: string[]): Promise<Array<string | null> | null> {
  const listing = model.listing.getState();
  const loaded = [...listing.objects.map((o) => o.key.slice(location.prefix.length)), ...listing.folders.map((f) => f.prefix.slice(location.prefix.length))];
  const taken = takenAmong(names, loaded);
  if (taken.length === 0) return names;
  const choice = await new Promise<ConflictChoice | null>((resolve) =>
    detailsStore(model).getState().openDialog({ kind: 'conflict', moves: [], names: taken, count: taken.length, single: names.length === 1, upload: true, resolve }),
  );
  if (choice === null) return null;
  if (choice === 'replace') return names;
  const isTaken = new Set(taken);
  if (choice === 'skip') return names.map((n) => (isTaken.has(n) ? null : n));
  const inUse = new Set([...loaded, ...names]);
  return names.map((n) => (isTaken.has(n) ? freeName(n, inUse) : n));
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
