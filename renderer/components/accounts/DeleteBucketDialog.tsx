// "Delete bucket…": an empty bucket is deleted after one question. One that holds objects says how many (and how many
// bytes, and unfinished uploads), and goes on only once "Delete all N objects" is typed; then it is emptied a
// bounded step at a time (1,000 objects a request) with the count on screen and a Stop button that takes effect
// between steps, and deleted at the end. A failure stops there and says which object and why.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Dialog, Heading, Input, Label, Modal, ModalOverlay, TextField } from 'react-aria-components';
import type { AppError, Bucket } from '../../../shared/contract';
import { bucketLabel, formatCount, formatSize } from '../../lib/format';
import { useModel } from '../../stores/model-context';
import { ErrorNotice } from '../ErrorNotice';
import './accounts.css';

interface Contents {
  objects: number;
  bytes: number;
  uploads: number;
}

type Phase = 'counting' | 'asking' | 'emptying' | 'stopped' | 'deleting';

export function DeleteBucketDialog({ connectionId, bucket, onClose }: { connectionId: string; bucket: Bucket; onClose(): void }) {
  const { t, i18n } = useTranslation();
  const model = useModel();
  const api = model.bridge.api;
  const target = { connectionId, bucket: bucket.name };
  const name = bucketLabel(bucket.name);
  const [contents, setContents] = useState<Contents | null>(null);
  const [phase, setPhase] = useState<Phase>('counting');
  const [typed, setTyped] = useState('');
  const [deleted, setDeleted] = useState(0);
  const [error, setError] = useState<AppError | null>(null);
  const stop = useRef(false);

  useEffect(() => {
    void api.buckets.contents(target).then((a) => {
      if (!a.ok) return setError(a.error);
      setContents(a.value);
      setPhase('asking');
    });
    // Counted once, when the dialog opens (the dialog is mounted anew each time).
  }, []);

  const empty = contents !== null && contents.objects === 0 && contents.uploads === 0;
  const phrase = contents ? t('deleteBucket.phrase', { count: contents.objects }) : '';
  const confirmed = empty || typed.trim().toLocaleLowerCase() === phrase.toLocaleLowerCase();

  const finish = async () => {
    setPhase('deleting');
    const answer = await api.buckets.delete(target);
    if (!answer.ok) {
      setPhase('stopped');
      return setError(answer.error);
    }
    const here = model.listing.getState().location;
    await model.connections.getState().loadBuckets(connectionId);
    onClose();
    if (here?.connectionId === connectionId && here.bucket === bucket.name) {
      const next = Object.entries(model.connections.getState().buckets).flatMap(([c, list]) => (list ?? []).map((b) => ({ connectionId: c, bucket: b.name })))[0];
      if (next) void model.listing.getState().open({ ...next, prefix: '' });
    }
  };

  const run = async () => {
    if (!confirmed) return;
    setError(null);
    stop.current = false;
    if (!empty) {
      setPhase('emptying');
      for (;;) {
        if (stop.current) return setPhase('stopped');
        const step = await api.buckets.empty(target);
        if (!step.ok) {
          setPhase('stopped');
          return setError(step.error);
        }
        setDeleted((d) => d + step.value.deleted);
        if (step.value.failures.length > 0) {
          setPhase('stopped');
          return setError(step.value.failures[0]!.error);
        }
        if (step.value.done) break;
      }
    }
    await finish();
  };

  const total = contents?.objects ?? 0;
  const working = phase === 'emptying' || phase === 'deleting';
  return (
    <ModalOverlay className="modal-overlay" isOpen isDismissable={!working} onOpenChange={(open) => !open && !working && onClose()}>
      <Modal className="modal">
        <Dialog role="alertdialog" className="dialog delete-bucket-dialog">
          <Heading slot="title" className="dialog-title">
            {t('deleteBucket.title', { name })}
          </Heading>
          {phase === 'counting' && !error && <p className="hint">{t('deleteBucket.counting', { name })}</p>}
          {contents && empty && <p>{t('deleteBucket.emptyBody', { name })}</p>}
          {contents && !empty && (
            <>
              <p>
                {t('deleteBucket.holds', { count: contents.objects, objects: formatCount(contents.objects, i18n.language), size: formatSize(contents.bytes, i18n.language), name })}
                {contents.uploads > 0 && ` ${t('deleteBucket.uploads', { count: contents.uploads })}`}
              </p>
              <p>{t('deleteBucket.cannotUndo')}</p>
              {phase === 'asking' && (
                <TextField className="field" value={typed} onChange={setTyped} autoFocus>
                  <Label>{t('deleteBucket.typeToConfirm', { phrase })}</Label>
                  <Input className="input" autoComplete="off" spellCheck={false} />
                </TextField>
              )}
            </>
          )}
          {(phase === 'emptying' || phase === 'stopped' || phase === 'deleting') && !empty && (
            <div className="progress">
              <p className="hint">{t('deleteBucket.progress', { done: formatCount(deleted, i18n.language), total: formatCount(total, i18n.language) })}</p>
              <progress max={Math.max(total, 1)} value={deleted} aria-label={t('deleteBucket.progressLabel', { name })} />
            </div>
          )}
          {phase === 'stopped' && !error && <p className="hint">{t('deleteBucket.stopped', { name })}</p>}
          {error && <ErrorNotice error={error} />}
          <div className="dialog-actions">
            {phase === 'emptying' ? (
              <Button className="button" onPress={() => (stop.current = true)}>
                {t('deleteBucket.stop')}
              </Button>
            ) : (
              <Button className="button" onPress={onClose} isDisabled={phase === 'deleting'} autoFocus={empty}>
                {phase === 'stopped' ? t('common.close') : t('common.cancel')}
              </Button>
            )}
            {(phase === 'asking' || phase === 'stopped') && contents && (
              <Button className="button danger" onPress={() => void run()} isDisabled={!confirmed}>
                {empty ? t('deleteBucket.deleteEmpty') : phase === 'stopped' ? t('deleteBucket.resume') : t('deleteBucket.deleteAll')}
              </Button>
            )}
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
