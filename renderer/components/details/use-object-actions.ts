// What can be done to objects and folders, once, for every place that offers it: the toolbar's selection actions,
// the details pane and the right-click menu. Downloads go where the user chooses (a native dialog in the app, the
// browser's own download in browser mode); encrypt-in-place uses the encryption new uploads get (never "none");
// delete asks first; rename and move ask about taken names before anything moves.
import { useMemo } from 'react';
import type { AppError, DownloadDestination, SseChoice } from '../../../shared/contract';
import type { ConflictChoice, MoveSpec } from '../../../shared/contract/channels-details';
import { findBucket } from '../../stores/connections-store';
import { useModel } from '../../stores/model-context';
import { effectiveSse } from '../../stores/upload-store';
import { baseName } from '../use-upload';
import { detailsStore, nameOfKey } from './details-store';

export function useObjectActions() {
  const model = useModel();
  return useMemo(() => {
    const api = model.bridge.api;
    const details = detailsStore(model);
    const fail = (error: AppError) => details.getState().setError(error);
    const place = () => model.listing.getState().location;
    const split = (keys: string[]) => ({ files: keys.filter((k) => !k.endsWith('/')), folders: keys.filter((k) => k.endsWith('/')) });

    /** Asks "replace / keep both / skip?" when some moves land on taken names; null: the user cancelled. */
    const askConflicts = async (moves: MoveSpec[], single: boolean): Promise<ConflictChoice | null> => {
      const loc = place();
      if (!loc) return null;
      const found = await api.objects.moveConflicts({ connectionId: loc.connectionId, bucket: loc.bucket, moves });
      if (!found.ok) {
        fail(found.error);
        return null;
      }
      if (found.value.count === 0) return 'ask';
      return new Promise((resolve) =>
        details.getState().openDialog({ kind: 'conflict', moves, names: found.value.conflicts.map((c) => nameOfKey(c.to)), count: found.value.count, single, resolve }),
      );
    };

    const startMove = async (moves: MoveSpec[], onConflict: ConflictChoice) => {
      const loc = place();
      if (!loc) return false;
      const answer = await api.jobs.startMove({ connectionId: loc.connectionId, bucket: loc.bucket, moves, onConflict });
      if (!answer.ok) {
        fail(answer.error);
        return false;
      }
      model.transfers.getState().apply([{ type: 'job.added', job: answer.value.job }]);
      return true;
    };

    /** The encryption encrypt-in-place gives: the upload choice, else the bucket default, else SSE-COS. */
    const encryptionFor = (): Exclude<SseChoice, { mode: 'none' }> => {
      const loc = place();
      const bucket = loc ? findBucket(model.connections.getState(), loc.connectionId, loc.bucket) : undefined;
      const { sse } = effectiveSse(model.upload.getState().choice, bucket);
      return sse.mode === 'none' ? { mode: 'sse-cos' } : sse;
    };

    return {
      encryptionFor,

      async download(keys: string[]) {
        const loc = place();
        if (!loc || keys.length === 0) return;
        const { files, folders } = split(keys);
        let destination: DownloadDestination = { kind: 'attachment' };
        if (model.connections.getState().info?.nativeDialogs) {
          if (files.length === 1 && folders.length === 0) {
            const a = await api.dialogs.saveAs({ suggestedName: baseName(files[0]!) });
            if (!a.ok) return fail(a.error);
            if (!a.value.path) return;
            destination = { kind: 'file', path: a.value.path };
          } else {
            const a = await api.dialogs.pickFolder({});
            if (!a.ok) return fail(a.error);
            if (!a.value.path) return;
            destination = { kind: 'folder', path: a.value.path };
          }
        }
        const answer = await api.jobs.startDownload({ connectionId: loc.connectionId, bucket: loc.bucket, keys: files, prefixes: folders, destination });
        if (!answer.ok) return fail(answer.error);
        model.transfers.getState().apply([{ type: 'job.added', job: answer.value.job }]);
      },

      async encrypt(keys: string[]) {
        const loc = place();
        if (!loc || keys.length === 0) return;
        const { files, folders } = split(keys);
        const sse = encryptionFor();
        const answer = await api.jobs.startEncrypt({ connectionId: loc.connectionId, bucket: loc.bucket, keys: files, prefixes: folders, sse });
        if (!answer.ok) return fail(answer.error);
        model.transfers.getState().apply([{ type: 'job.added', job: answer.value.job }]);
      },

      /** Delete asks first (the toolbar's question; folders go with everything in them, as a job). */
      remove(keys: string[]) {
        const listing = model.listing.getState();
        listing.select(keys);
        listing.askDelete(true);
      },

      rename(key: string) {
        details.getState().openDialog({ kind: 'rename', key });
      },

      move(keys: string[]) {
        if (keys.length > 0) details.getState().openDialog({ kind: 'move', keys });
      },

      /** A file renamed at once; a taken name is asked about (replace / keep both). Returns the new key. */
      async renameFile(from: string, to: string): Promise<string | null> {
        const loc = place();
        if (!loc) return null;
        const where = { connectionId: loc.connectionId, bucket: loc.bucket };
        let answer = await api.objects.rename({ ...where, move: { from, to } });
        if (!answer.ok && answer.error.code === 'DestinationExists') {
          const choice = await new Promise<ConflictChoice | null>((resolve) =>
            details.getState().openDialog({ kind: 'conflict', moves: [{ from, to }], names: [nameOfKey(to)], count: 1, single: true, resolve }),
          );
          if (!choice) return null;
          answer = await api.objects.rename({ ...where, move: { from, to }, onConflict: choice });
        }
        if (!answer.ok) {
          fail(answer.error);
          return null;
        }
        if (answer.value.key) model.listing.getState().select([answer.value.key]);
        return answer.value.key;
      },

      /** Moves (and folder renames) as one job, after asking about taken names. */
      async moveAll(moves: MoveSpec[]): Promise<boolean> {
        const choice = await askConflicts(moves, moves.length === 1 && !moves[0]!.from.endsWith('/'));
        if (!choice) return false;
        return startMove(moves, choice);
      },
    };
  }, [model]);
}

export type ObjectActions = ReturnType<typeof useObjectActions>;
