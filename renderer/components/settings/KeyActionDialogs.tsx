// Export and Remove of an SSE-C key, each said plainly before it happens. Export: whoever has the file can read
// what the key encrypted, and without a copy a lost vault means lost data; the desktop app asks where to save it,
// the browser saves it as a download. Remove: what Coffer knows was encrypted with the key (and unfinished jobs that
// use it) is named, since those objects cannot be read without it.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TriangleAlert } from 'lucide-react';
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import type { AppError } from '../../../shared/contract';
import type { SseCKeyView } from '../../../shared/contract/channels-settings';
import { formatCount, placeLabel } from '../../lib/format';
import { useModel } from '../../stores/model-context';
import type { KeyUsage } from '../../stores/sse-c-keys-store';
import { ErrorNotice } from '../ErrorNotice';

function KeyModal({ title, onClose, children }: { title: string; onClose(): void; children: React.ReactNode }) {
  return (
    <ModalOverlay className="modal-overlay" isOpen isDismissable onOpenChange={(open) => !open && onClose()}>
      <Modal className="modal key-modal">
        <Dialog role="alertdialog" className="dialog">
          <Heading slot="title" className="dialog-title">
            {title}
          </Heading>
          {children}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

export function ExportKeyDialog({ keyView, onClose }: { keyView: SseCKeyView; onClose(): void }) {
  const { t } = useTranslation();
  const model = useModel();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const exportKey = async () => {
    if (busy) return;
    setBusy(true);
    const answer = await model.sseCKeys.getState().exportKey(keyView.id);
    setBusy(false);
    if (!answer.ok) return setError(answer.error);
    const r = answer.value;
    if (r.kind === 'cancelled') return;
    setDone(r.kind === 'saved' ? t('sseCKeys.exportDialog.saved', { path: r.path }) : t('sseCKeys.exportDialog.downloaded', { name: r.name }));
  };

  return (
    <KeyModal title={t('sseCKeys.exportDialog.title', { name: keyView.name })} onClose={onClose}>
      {done ? (
        <p role="status">{done}</p>
      ) : (
        <ul className="key-warnings">
          <li>
            <TriangleAlert className="icon warn" aria-hidden />
            {t('sseCKeys.exportDialog.whoever')}
          </li>
          <li>
            <TriangleAlert className="icon warn" aria-hidden />
            {t('sseCKeys.exportDialog.without')}
          </li>
        </ul>
      )}
      {error && <ErrorNotice error={error} />}
      <div className="dialog-actions">
        <Button className="button" onPress={onClose} autoFocus={!done}>
          {done ? t('common.close') : t('common.cancel')}
        </Button>
        {!done && (
          <Button className="button primary" aria-disabled={busy || undefined} onPress={() => void exportKey()}>
            {t('sseCKeys.exportDialog.confirm')}
          </Button>
        )}
      </div>
    </KeyModal>
  );
}

export function RemoveKeyDialog({ keyView, onClose }: { keyView: SseCKeyView; onClose(): void }) {
  const { t, i18n } = useTranslation();
  const model = useModel();
  const [usage, setUsage] = useState<KeyUsage | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  useEffect(() => {
    let live = true;
    void model.sseCKeys
      .getState()
      .usage(keyView.id)
      .then((a) => live && (a.ok ? setUsage(a.value) : setError(a.error)));
    return () => {
      live = false;
    };
  }, [model, keyView.id]);

  const remove = async () => {
    if (busy) return;
    setBusy(true);
    const answer = await model.sseCKeys.getState().remove(keyView.id);
    setBusy(false);
    if (!answer.ok) return setError(answer.error);
    onClose();
  };

  return (
    <KeyModal title={t('sseCKeys.removeDialog.title', { name: keyView.name })} onClose={onClose}>
      <p>{t('sseCKeys.removeDialog.body')}</p>
      {usage && usage.count === 0 && <p>{t('sseCKeys.removeDialog.noneKnown')}</p>}
      {usage && usage.count > 0 && (
        <>
          <p className="warn-line">
            <TriangleAlert className="icon" aria-hidden />
            {t('sseCKeys.removeDialog.known', { count: usage.count, n: formatCount(usage.count, i18n.language) })}
          </p>
          <ul className="key-uses" aria-label={t('sseCKeys.removeDialog.knownList')}>
            {usage.recent.map((u) => (
              <li key={`${u.connectionId}\0${u.bucket}\0${u.key}`} className="mono">
                {placeLabel(u.bucket, u.key)}
              </li>
            ))}
          </ul>
        </>
      )}
      {usage && usage.activeJobs > 0 && <p className="warn-line">{t('sseCKeys.removeDialog.activeJobs', { count: usage.activeJobs })}</p>}
      <p className="hint">{t('sseCKeys.removeDialog.exportFirst')}</p>
      {error && <ErrorNotice error={error} />}
      <div className="dialog-actions">
        <Button className="button" onPress={onClose} autoFocus>
          {t('common.cancel')}
        </Button>
        <Button className="button danger" aria-disabled={busy || undefined} onPress={() => void remove()}>
          {t('sseCKeys.removeDialog.confirm')}
        </Button>
      </div>
    </KeyModal>
  );
}
