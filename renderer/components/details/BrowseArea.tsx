// The table with the details pane beside it, and what the details area adds around the table: the right-click menu
// of rows (rows carry their key in data-key), the rename, move and conflict dialogs (and an upload's question about a
// region without encryption), the sentence of an action that
// failed, and a fresh listing when a move job this bucket is shown from finishes (folders that emptied go away).
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useListing, useModel } from '../../stores/model-context';
import { ConfirmDialog } from '../ConfirmDialog';
import { ErrorNotice } from '../ErrorNotice';
import { ConflictDialog } from './ConflictDialog';
import { DetailsPane } from './DetailsPane';
import { MoveDialog } from './MoveDialog';
import { ObjectContextMenu } from './ObjectContextMenu';
import { RenameDialog } from './RenameDialog';
import { detailsStore, useDetails } from './details-store';
import { useObjectActions } from './use-object-actions';

export function BrowseArea({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const model = useModel();
  const actions = useObjectActions();
  const dialog = useDetails((s) => s.dialog);
  const error = useDetails((s) => s.error);
  const location = useListing((s) => s.location);

  useEffect(
    () =>
      model.bridge.onEvent((e) => {
        const loc = model.listing.getState().location;
        // A move or delete leaves folders behind on screen (their rows are not objects): the list is read again.
        if (e.type === 'job.done' && (e.job.kind === 'move' || e.job.kind === 'delete') && loc && e.job.connectionId === loc.connectionId && e.job.bucket === loc.bucket) {
          void model.listing.getState().refresh();
          // A folder's delete aborts its unfinished uploads too.
          if (e.job.kind === 'delete') void model.transfers.getState().loadIncomplete(loc);
        }
      }),
    [model],
  );
  // A failure from another place is not left on screen.
  useEffect(() => detailsStore(model).getState().setError(null), [model, location]);

  const onContextMenu = (e: React.MouseEvent) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[role="row"][data-key]');
    if (!row || !location) return;
    e.preventDefault();
    const key = row.dataset.key!;
    const listing = model.listing.getState();
    const keys = listing.selected.has(key) ? [...listing.selected] : [key];
    if (!listing.selected.has(key)) listing.select([key]);
    // From the keyboard (Menu key, Shift+F10) there is no pointer: the menu opens at the row.
    const fromKeyboard = e.clientX === 0 && e.clientY === 0;
    const rect = row.getBoundingClientRect();
    detailsStore(model)
      .getState()
      .openMenu({ x: fromKeyboard ? rect.left + 24 : e.clientX, y: fromKeyboard ? rect.bottom : e.clientY, keys, returnFocus: row });
  };

  return (
    <div className="browse">
      <div className="browse-main" onContextMenu={onContextMenu}>
        {error && <ErrorNotice error={error} onDismiss={() => detailsStore(model).getState().setError(null)} />}
        {children}
      </div>
      <DetailsPane />
      <ObjectContextMenu actions={actions} />
      {dialog?.kind === 'rename' && <RenameDialog objectKey={dialog.key} actions={actions} />}
      {dialog?.kind === 'move' && <MoveDialog keys={dialog.keys} actions={actions} />}
      {dialog?.kind === 'conflict' && <ConflictDialog dialog={dialog} />}
      {dialog?.kind === 'unencrypted' && (
        <ConfirmDialog
          isOpen
          title={t('confirmNone.title')}
          body={t('confirmNone.bodyRegion', { region: dialog.region })}
          confirmLabel={t('confirmNone.confirm')}
          cancelLabel={t('common.cancel')}
          destructive
          onConfirm={() => {
            detailsStore(model).getState().openDialog(null);
            dialog.resolve(true);
          }}
          onCancel={() => {
            detailsStore(model).getState().openDialog(null);
            dialog.resolve(false);
          }}
        />
      )}
    </div>
  );
}
