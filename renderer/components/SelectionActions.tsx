// What can be done with the selected rows: download them (a native "Save as…" or folder dialog in the app;
// the browser's own download in browser mode) and delete them (asked first; folders are not deleted here).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Download, Trash2 } from 'lucide-react';
import { Button } from 'react-aria-components';
import { IconButton } from './IconButton';
import type { AppError, DownloadDestination } from '../../shared/contract';
import { useConnections, useListing, useModel } from '../stores/model-context';
import { ConfirmDialog } from './ConfirmDialog';
import { ErrorNotice } from './ErrorNotice';
import { baseName } from './use-upload';

export function SelectionActions() {
  const { t } = useTranslation();
  const model = useModel();
  const selected = useListing((s) => s.selected);
  const confirming = useListing((s) => s.confirmingDelete);
  const nativeDialogs = useConnections((s) => s.info?.nativeDialogs ?? false);
  const [error, setError] = useState<AppError | null>(null);
  const files = [...selected].filter((k) => !k.endsWith('/'));
  const folders = [...selected].filter((k) => k.endsWith('/'));
  const api = model.bridge.api;

  const download = async () => {
    const location = model.listing.getState().location;
    if (!location) return;
    let destination: DownloadDestination = { kind: 'attachment' };
    if (nativeDialogs) {
      if (files.length === 1 && folders.length === 0) {
        const a = await api.dialogs.saveAs({ suggestedName: baseName(files[0]!) });
        if (!a.ok) return setError(a.error);
        if (!a.value.path) return;
        destination = { kind: 'file', path: a.value.path };
      } else {
        const a = await api.dialogs.pickFolder({});
        if (!a.ok) return setError(a.error);
        if (!a.value.path) return;
        destination = { kind: 'folder', path: a.value.path };
      }
    }
    const answer = await api.jobs.startDownload({ connectionId: location.connectionId, bucket: location.bucket, keys: files, prefixes: folders, destination });
    if (!answer.ok) return setError(answer.error);
    model.transfers.getState().apply([{ type: 'job.added', job: answer.value.job }]);
  };

  const remove = async () => {
    const location = model.listing.getState().location;
    model.listing.getState().askDelete(false);
    if (!location || files.length === 0) return;
    const answer = await api.objects.delete({ connectionId: location.connectionId, bucket: location.bucket, keys: files });
    if (!answer.ok) return setError(answer.error);
    model.listing.getState().applyChanges(answer.value.deleted.map((key) => ({ type: 'object.changed' as const, connectionId: location.connectionId, bucket: location.bucket, change: 'deleted' as const, key })));
    if (answer.value.failures[0]) setError(answer.value.failures[0].error);
  };

  return (
    <>
      <Button className="button" isDisabled={selected.size === 0} onPress={() => void download()}>
        <Download className="icon" aria-hidden />
        {t('toolbar.download')}
      </Button>
      <IconButton className="button" isDisabled={files.length === 0} onPress={() => model.listing.getState().askDelete(true)} label={t('toolbar.delete')}>
        <Trash2 className="icon" aria-hidden />
      </IconButton>
      {error && (
        <div className="toolbar-error">
          <ErrorNotice error={error} onDismiss={() => setError(null)} />
        </div>
      )}
      <ConfirmDialog
        isOpen={confirming}
        title={t('delete.title', { count: files.length })}
        body={folders.length ? `${t('delete.body')} ${t('delete.foldersKept')}` : t('delete.body')}
        confirmLabel={t('delete.confirm')}
        cancelLabel={t('common.cancel')}
        destructive
        onConfirm={() => void remove()}
        onCancel={() => model.listing.getState().askDelete(false)}
      />
    </>
  );
}
