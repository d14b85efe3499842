// "Move to…": a folder picker over the bucket (its folders, one level at a time, with a path to go back up), then
// one move job for everything chosen. A folder cannot go into itself, and a place where nothing would change is not
// offered. Taken names are asked about before the job starts.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChevronRight, Folder, Loader } from 'lucide-react';
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import type { AppError, FolderRow } from '../../../shared/contract';
import type { MoveSpec } from '../../../shared/contract/channels-details';
import { bucketLabel } from '../../lib/format';
import { useListing, useModel } from '../../stores/model-context';
import { ErrorNotice } from '../ErrorNotice';
import { detailsStore, nameOfKey, parentOfKey } from './details-store';
import type { ObjectActions } from './use-object-actions';

/** Where each chosen item goes when moved into `dest` (items already there are left out). */
export function movesInto(keys: string[], dest: string): MoveSpec[] {
  return keys
    .filter((k) => parentOfKey(k) !== dest)
    .map((k) => ({ from: k, to: `${dest}${nameOfKey(k)}${k.endsWith('/') ? '/' : ''}` }));
}

export function MoveDialog({ keys, actions }: { keys: string[]; actions: ObjectActions }) {
  const { t } = useTranslation();
  const model = useModel();
  const location = useListing((s) => s.location)!;
  const [dest, setDest] = useState(location.prefix);
  const [folders, setFolders] = useState<FolderRow[] | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const close = () => detailsStore(model).getState().openDialog(null);
  const movedFolders = keys.filter((k) => k.endsWith('/'));
  const intoItself = movedFolders.some((f) => dest.startsWith(f));
  const moves = intoItself ? [] : movesInto(keys, dest);

  useEffect(() => {
    let live = true;
    setFolders(null);
    setError(null);
    void model.bridge.api.objects.list({ connectionId: location.connectionId, bucket: location.bucket, prefix: dest, pageSize: 1000 }).then((a) => {
      if (!live) return;
      if (a.ok) setFolders(a.value.folders);
      else setError(a.error);
    });
    return () => {
      live = false;
    };
  }, [model, location.connectionId, location.bucket, dest]);

  const segments = dest.split('/').filter(Boolean);
  const title = keys.length === 1 ? t('details.moveDialog.titleOne', { name: nameOfKey(keys[0]!) }) : t('details.moveDialog.title', { count: keys.length });

  return (
    <ModalOverlay className="modal-overlay" isOpen isDismissable onOpenChange={(open) => !open && close()}>
      <Modal className="modal">
        <Dialog className="dialog move-dialog">
          <Heading slot="title" className="dialog-title">
            {title}
          </Heading>
          <nav aria-label={t('details.moveDialog.path')} className="move-path">
            <ol>
              <li>
                <Button className="link" onPress={() => setDest('')} aria-current={dest === '' ? 'location' : undefined}>
                  {bucketLabel(location.bucket)}
                </Button>
              </li>
              {segments.map((s, i) => {
                const prefix = `${segments.slice(0, i + 1).join('/')}/`;
                return (
                  <li key={prefix}>
                    <ChevronRight className="icon sep" aria-hidden />
                    <Button className="link" onPress={() => setDest(prefix)} aria-current={prefix === dest ? 'location' : undefined}>
                      {s}
                    </Button>
                  </li>
                );
              })}
            </ol>
          </nav>
          {error ? (
            <ErrorNotice error={error} />
          ) : folders === null ? (
            <p className="hint" role="status">
              <Loader className="icon spin" aria-hidden /> {t('details.moveDialog.loading')}
            </p>
          ) : (
            <ul className="move-folders" aria-label={t('details.moveDialog.folders')}>
              {folders.length === 0 && <li className="hint">{t('details.moveDialog.noFolders')}</li>}
              {folders.map((f) => (
                <li key={f.prefix}>
                  <Button className="move-folder" isDisabled={movedFolders.includes(f.prefix)} onPress={() => setDest(f.prefix)}>
                    <Folder className="icon folder" aria-hidden />
                    {f.name}
                  </Button>
                </li>
              ))}
            </ul>
          )}
          {intoItself && <p className="hint">{t('details.moveDialog.intoItself')}</p>}
          {/* Where it is now is where the dialog opens: a prompt to choose, not a refusal, until another folder was chosen. */}
          {!intoItself && moves.length === 0 && <p className="hint">{dest === location.prefix ? t('details.moveDialog.choose') : t('details.moveDialog.alreadyHere')}</p>}
          <div className="dialog-actions">
            <Button className="button" onPress={close}>
              {t('common.cancel')}
            </Button>
            <Button
              className="button primary"
              isDisabled={moves.length === 0}
              onPress={() => {
                close();
                void actions.moveAll(moves);
              }}
            >
              {t('details.moveDialog.moveHere', { place: segments.length ? segments[segments.length - 1] : bucketLabel(location.bucket) })}
            </Button>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
