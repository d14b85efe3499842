// What can be done with the selected rows: download them (a native "Save as…" or folder dialog in the app;
// the browser's own download in browser mode), move them, encrypt them in place, and delete them (asked first).
// Files alone are deleted at once; folders, with everything in them, are a delete job in Transfers (listed page by
// page, with progress, pause and cancel). The other actions are details/use-object-actions.ts, shared with the
// details pane and the right-click menu.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { Download, FolderInput, Lock, Trash2 } from 'lucide-react';
import { Button } from 'react-aria-components';
import { IconButton } from './IconButton';
import type { AppError } from '../../shared/contract';
import { useListing, useModel } from '../stores/model-context';
import { ConfirmDialog } from './ConfirmDialog';
import { ErrorNotice } from './ErrorNotice';
import { useObjectActions } from './details/use-object-actions';
import { nameOfKey } from './details/details-store';

export function SelectionActions() {
  const { t } = useTranslation();
  const model = useModel();
  const selected = useListing((s) => s.selected);
  const confirming = useListing((s) => s.confirmingDelete);
  const [error, setError] = useState<AppError | null>(null);
  const files = [...selected].filter((k) => !k.endsWith('/'));
  const folders = [...selected].filter((k) => k.endsWith('/'));
  const api = model.bridge.api;
  const actions = useObjectActions();

  const remove = async () => {
    const location = model.listing.getState().location;
    model.listing.getState().askDelete(false);
    if (!location || selected.size === 0) return;
    const target = { connectionId: location.connectionId, bucket: location.bucket };
    if (folders.length > 0) {
      const started = await api.jobs.startDelete({ ...target, keys: files, prefixes: folders });
      if (!started.ok) return setError(started.error);
      model.listing.getState().select([]);
      return model.transfers.getState().apply([{ type: 'job.added', job: started.value.job }]);
    }
    const answer = await api.objects.delete({ ...target, keys: files });
    if (!answer.ok) return setError(answer.error);
    model.listing.getState().applyChanges(answer.value.deleted.map((key) => ({ type: 'object.changed' as const, connectionId: location.connectionId, bucket: location.bucket, change: 'deleted' as const, key })));
    if (answer.value.failures[0]) setError(answer.value.failures[0].error);
  };

  return (
    <>
      <Button className="button" isDisabled={selected.size === 0} onPress={() => void actions.download([...selected])}>
        <Download className="icon" aria-hidden />
        {t('toolbar.download')}
      </Button>
      <IconButton className="button" isDisabled={selected.size === 0} onPress={() => actions.move([...selected])} label={t('details.toolbar.move')}>
        <FolderInput className="icon" aria-hidden />
      </IconButton>
      <IconButton className="button" isDisabled={selected.size === 0} onPress={() => void actions.encrypt([...selected])} label={t('details.toolbar.encrypt')}>
        <Lock className="icon" aria-hidden />
      </IconButton>
      <IconButton className="button" isDisabled={selected.size === 0} onPress={() => model.listing.getState().askDelete(true)} label={t('toolbar.delete')}>
        <Trash2 className="icon" aria-hidden />
      </IconButton>
      {error && (
        <div className="toolbar-error">
          <ErrorNotice error={error} onDismiss={() => setError(null)} />
        </div>
      )}
      <ConfirmDialog
        isOpen={confirming}
        title={deleteTitle(t, files, folders)}
        body={folders.length ? `${t('delete.body')} ${t('delete.foldersToo', { count: folders.length })}` : t('delete.body')}
        confirmLabel={t('delete.confirm')}
        cancelLabel={t('common.cancel')}
        destructive
        onConfirm={() => void remove()}
        onCancel={() => model.listing.getState().askDelete(false)}
      />
    </>
  );
}

/** The delete question names what goes: "Delete “report.pdf”?", "Delete the folder “album” and everything in it?". */
function deleteTitle(t: TFunction, files: string[], folders: string[]): string {
  if (files.length + folders.length === 1) return files[0] ? t('delete.titleOne', { name: nameOfKey(files[0]) }) : t('delete.titleFolderOne', { name: nameOfKey(folders[0]!) });
  if (folders.length === 0) return t('delete.title', { count: files.length });
  if (files.length === 0) return t('delete.titleFolders', { count: folders.length });
  return t('delete.titleItems', { count: files.length + folders.length });
}
