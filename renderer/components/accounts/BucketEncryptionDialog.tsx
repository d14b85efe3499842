// A bucket's default encryption, seen and changed: what objects get when their upload asks for none. SSE-COS (keys
// the service manages), SSE-KMS (a key from Tencent Cloud KMS, optionally a named one), or none, which is said plainly
// before it is saved. Where the bucket's region offers no server-side encryption only "none" is possible, and the
// dialog says why.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Dialog, Heading, Input, Label, Modal, ModalOverlay, Radio, RadioGroup, TextField } from 'react-aria-components';
import type { AppError, Bucket, DefaultEncryption } from '../../../shared/contract';
import { bucketLabel } from '../../lib/format';
import { useModel } from '../../stores/model-context';
import { ErrorNotice } from '../ErrorNotice';
import './accounts.css';

type Mode = 'none' | 'SSE-COS' | 'SSE-KMS';

export function BucketEncryptionDialog({ connectionId, bucket, onClose }: { connectionId: string; bucket: Bucket; onClose(): void }) {
  const { t } = useTranslation();
  const model = useModel();
  const current = bucket.defaultEncryption;
  const [mode, setMode] = useState<Mode>(current === null || current === 'unknown' ? 'none' : current.mode);
  const [kmsKeyId, setKmsKeyId] = useState(current !== null && current !== 'unknown' && current.mode === 'SSE-KMS' ? (current.kmsKeyId ?? '') : '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const name = bucketLabel(bucket.name);
  const now =
    current === 'unknown'
      ? t('bucketEncryption.nowUnknown')
      : current === null
        ? t('bucketEncryption.nowNone', { name })
        : t('bucketEncryption.now', { name, mode: current.mode });

  const save = async () => {
    if (busy) return;
    const choice: DefaultEncryption | null = mode === 'none' ? null : mode === 'SSE-KMS' ? { mode, ...(kmsKeyId.trim() ? { kmsKeyId: kmsKeyId.trim() } : {}) } : { mode: 'SSE-COS' };
    setBusy(true);
    const answer = await model.bridge.api.buckets.setEncryption({ connectionId, bucket: bucket.name, defaultEncryption: choice });
    setBusy(false);
    if (!answer.ok) return setError(answer.error);
    await model.connections.getState().loadBuckets(connectionId);
    onClose();
  };

  return (
    <ModalOverlay className="modal-overlay" isOpen isDismissable onOpenChange={(open) => !open && onClose()}>
      <Modal className="modal">
        <Dialog className="dialog encryption-dialog">
          <Heading slot="title" className="dialog-title">
            {t('bucketEncryption.title', { name })}
          </Heading>
          <p>{now}</p>
          <RadioGroup className="field choice" value={mode} onChange={(v) => (setMode(v as Mode), setError(null))}>
            <Label>{t('bucketEncryption.choose')}</Label>
            <Radio value="SSE-COS" isDisabled={!bucket.sseOffered}>
              {t('bucketEncryption.sseCos')}
            </Radio>
            <Radio value="SSE-KMS" isDisabled={!bucket.sseOffered}>
              {t('bucketEncryption.sseKms')}
            </Radio>
            <Radio value="none">{t('bucketEncryption.none')}</Radio>
          </RadioGroup>
          {mode === 'SSE-KMS' && (
            <TextField className="field" value={kmsKeyId} onChange={setKmsKeyId}>
              <Label>{t('bucketEncryption.kmsKeyId')}</Label>
              <Input className="input mono" spellCheck={false} />
            </TextField>
          )}
          {!bucket.sseOffered && <p className="hint">{t('bucketEncryption.notOffered', { region: bucket.region })}</p>}
          {mode === 'none' && current !== null && <p className="warn-line">{t('bucketEncryption.noneWarning')}</p>}
          {error && <ErrorNotice error={error} />}
          <div className="dialog-actions">
            <Button className="button" onPress={onClose}>
              {t('common.cancel')}
            </Button>
            <Button className={mode === 'none' && current !== null ? 'button danger' : 'button primary'} onPress={() => void save()} aria-disabled={busy || undefined}>
              {mode === 'none' && current !== null ? t('bucketEncryption.turnOff') : t('bucketEncryption.save')}
            </Button>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
