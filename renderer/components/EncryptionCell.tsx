// The Encryption column: icon plus words, never colour alone. The status comes from the statuses store, which
// the table fills only for rows on screen; a cell with no answer yet says "Checking…".
import { useTranslation } from 'react-i18next';
import { Lock, LockOpen, Loader, CircleAlert } from 'lucide-react';
import { Button } from 'react-aria-components';
import { statusId } from '../stores/statuses-store';
import { useModel, useStatuses } from '../stores/model-context';
import type { ObjectRow } from '../../shared/contract';
import type { Location } from '../stores/listing-store';

export function EncryptionCell({ location, object }: { location: Location; object: ObjectRow }) {
  const { t } = useTranslation();
  const model = useModel();
  const entry = useStatuses((s) => s.entries.get(statusId(location.connectionId, location.bucket, object.key)));
  const encryption = entry && entry.etag === object.etag ? entry.encryption : undefined;

  if (!encryption || encryption.state === 'checking') {
    return (
      <span className="enc enc-checking">
        <Loader className="icon spin" aria-hidden />
        {t('encryption.checking')}
      </span>
    );
  }
  if (encryption.state === 'encrypted') {
    return (
      <span className="enc enc-on" title={t(`encryption.explain.${encryption.mode}`)}>
        <Lock className="icon" aria-hidden />
        {t('encryption.encrypted', { mode: encryption.mode })}
      </span>
    );
  }
  if (encryption.state === 'not-encrypted') {
    return (
      <span className="enc enc-off" title={t('encryption.explain.none')}>
        <LockOpen className="icon" aria-hidden />
        {t('encryption.notEncrypted')}
      </span>
    );
  }
  return (
    <span className="enc enc-error" title={encryption.error.message}>
      <CircleAlert className="icon" aria-hidden />
      {t('encryption.couldNotCheck')}
      {' — '}
      <Button className="link" onPress={() => model.statuses.getState().retry(location, { key: object.key, etag: object.etag })}>
        {t('common.retry')}
      </Button>
    </span>
  );
}
