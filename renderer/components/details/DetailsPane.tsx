// The details pane beside the table, for what is selected: one file (preview, actions, facts, encryption in plain
// words, who may open it, a share link), one folder (its actions), or several items (what can be done to all of
// them). It can be closed and shown again; it follows the selection.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Download, FolderInput, Lock, PanelRightClose, PanelRightOpen, Pencil, Trash2 } from 'lucide-react';
import { Button } from 'react-aria-components';
import type { AppError } from '../../../shared/contract';
import type { ObjectDetails } from '../../../shared/contract/channels-details';
import { placeLabel } from '../../lib/format';
import { useListing, useModel } from '../../stores/model-context';
import { ErrorNotice } from '../ErrorNotice';
import { IconButton } from '../IconButton';
import { EncryptionExplained } from './EncryptionExplained';
import { ObjectFacts } from './ObjectFacts';
import { PreviewBox } from './PreviewBox';
import { PublicAddress } from './PublicAddress';
import { ShareLink } from './ShareLink';
import { detailsStore, nameOfKey, parentOfKey, useDetails } from './details-store';
import { useObjectActions } from './use-object-actions';
import './details.css';

export function DetailsPane() {
  const { t } = useTranslation();
  const model = useModel();
  const location = useListing((s) => s.location);
  const selected = useListing((s) => s.selected);
  const paneOpen = useDetails((s) => s.paneOpen);
  if (!location || selected.size === 0) return null;
  if (!paneOpen) {
    return (
      <div className="details-collapsed">
        <IconButton className="button quiet" label={t('details.show')} onPress={() => detailsStore(model).getState().setPaneOpen(true)}>
          <PanelRightOpen className="icon" aria-hidden />
        </IconButton>
      </div>
    );
  }
  const keys = [...selected];
  const only = keys.length === 1 ? keys[0]! : null;
  return (
    // tabIndex -1: Enter on a file in the table moves focus here; Esc goes back to the table's row.
    <aside className="details-pane" aria-label={t('details.title')} tabIndex={-1} onKeyDown={backToTable}>
      <div className="details-header">
        <h2>{only ? nameOfKey(only) : t('details.selected', { count: keys.length })}</h2>
        <IconButton className="button quiet" label={t('details.hide')} onPress={() => detailsStore(model).getState().setPaneOpen(false)}>
          <PanelRightClose className="icon" aria-hidden />
        </IconButton>
      </div>
      {only && !only.endsWith('/') ? <FileDetails objectKey={only} /> : <ItemsActions keys={keys} />}
    </aside>
  );
}

function backToTable(e: React.KeyboardEvent) {
  if (e.key !== 'Escape' || e.defaultPrevented) return;
  const row = document.querySelector<HTMLElement>('[role="grid"] [role="row"][tabindex="0"]');
  if (!row) return;
  e.preventDefault();
  row.focus();
}

function ItemsActions({ keys }: { keys: string[] }) {
  const { t } = useTranslation();
  const location = useListing((s) => s.location)!;
  const actions = useObjectActions();
  const single = keys.length === 1 ? keys[0]! : null;
  // The toolbar has buttons of the same words: these name what they act on.
  const named = (action: string) => (single ? t(`details.named.${action}`, { name: nameOfKey(single) }) : t(`details.many.${action}`, { count: keys.length }));
  return (
    <div className="details-body">
      {single && <p className="hint">{t('details.folderIn', { place: placeLabel(location.bucket, parentOfKey(single)) })}</p>}
      <div className="details-actions" role="group" aria-label={t('details.actions')}>
        <Button className="button" aria-label={named('download')} onPress={() => void actions.download(keys)}>
          <Download className="icon" aria-hidden />
          {t('details.download')}
        </Button>
        {single && (
          <Button className="button" aria-label={named('rename')} onPress={() => actions.rename(single)}>
            <Pencil className="icon" aria-hidden />
            {t('details.rename')}
          </Button>
        )}
        <Button className="button" aria-label={named('move')} onPress={() => actions.move(keys)}>
          <FolderInput className="icon" aria-hidden />
          {t('details.move')}
        </Button>
        <Button className="button" aria-label={named('encrypt')} onPress={() => void actions.encrypt(keys)}>
          <Lock className="icon" aria-hidden />
          {t('details.encryptAll')}
        </Button>
        <Button className="button" aria-label={named('delete')} onPress={() => actions.remove(keys)}>
          <Trash2 className="icon" aria-hidden />
          {t('details.delete')}
        </Button>
      </div>
      <p className="hint">{t('details.encryptAllHint', { mode: labelOf(actions.encryptionFor()) })}</p>
    </div>
  );
}

const labelOf = (sse: { mode: string }) => (sse.mode === 'sse-kms' ? 'SSE-KMS' : sse.mode === 'sse-c' ? 'SSE-C' : 'SSE-COS');

function FileDetails({ objectKey }: { objectKey: string }) {
  const { t } = useTranslation();
  const model = useModel();
  const location = useListing((s) => s.location)!;
  // The row's version: a changed object (re-uploaded, encrypted in place) is described again.
  const etag = useListing((s) => s.objects.find((o) => o.key === objectKey)?.etag ?? '');
  const [details, setDetails] = useState<ObjectDetails | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const actions = useObjectActions();

  useEffect(() => {
    let live = true;
    setError(null);
    setDetails((d) => (d?.key === objectKey ? d : null));
    void model.bridge.api.objects.details({ connectionId: location.connectionId, bucket: location.bucket, key: objectKey }).then((a) => {
      if (!live) return;
      if (a.ok) setDetails(a.value.details);
      else setError(a.error);
    });
    return () => {
      live = false;
    };
  }, [model, location.connectionId, location.bucket, objectKey, etag, attempt]);

  const name = nameOfKey(objectKey);
  const named = (action: string) => t(`details.named.${action}`, { name });
  return (
    <div className="details-body">
      <p className="hint">{t('details.fileIn', { place: placeLabel(location.bucket, parentOfKey(objectKey)) })}</p>
      <div className="details-actions" role="group" aria-label={t('details.actions')}>
        <Button className="button" aria-label={named('download')} onPress={() => void actions.download([objectKey])}>
          <Download className="icon" aria-hidden />
          {t('details.download')}
        </Button>
        <Button className="button" aria-label={named('rename')} onPress={() => actions.rename(objectKey)}>
          <Pencil className="icon" aria-hidden />
          {t('details.rename')}
        </Button>
        <Button className="button" aria-label={named('move')} onPress={() => actions.move([objectKey])}>
          <FolderInput className="icon" aria-hidden />
          {t('details.move')}
        </Button>
        {details?.encryption.mode === 'none' && (
          <Button className="button primary" onPress={() => void actions.encrypt([objectKey])}>
            <Lock className="icon" aria-hidden />
            {t('details.encryptNow', { mode: labelOf(actions.encryptionFor()) })}
          </Button>
        )}
        <Button className="button" aria-label={named('delete')} onPress={() => actions.remove([objectKey])}>
          <Trash2 className="icon" aria-hidden />
          {t('details.delete')}
        </Button>
      </div>
      {error && <ErrorNotice error={error} onRetry={() => setAttempt((a) => a + 1)} />}
      {!details && !error && (
        <p className="hint" role="status">
          {t('details.loading')}
        </p>
      )}
      {details && details.key === objectKey && (
        <>
          <PreviewBox details={details} name={name} />
          <EncryptionExplained encryption={details.encryption} />
          <PublicAddress access={details.access} localStore={details.localStore} />
          {/* "Works while Coffer runs" is said once: beside the public address when there is one. */}
          <ShareLink objectKey={objectKey} localStore={details.localStore && details.access.publicUrl === null} />
          <ObjectFacts details={details} />
        </>
      )}
    </div>
  );
}
