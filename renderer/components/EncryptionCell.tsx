// The Encryption column: icon plus words, never colour alone. The status comes from the statuses store, which
// the table fills only for rows on screen; a cell with no answer yet says "Checking…". Its icon turns only once
// the row is actually being checked: rows flying past in a fast scroll are never asked, and dozens of spinning
// icons started and dropped every frame cost the scroll more than the rows themselves.
import type { TFunction } from 'i18next';
import { Lock, LockOpen, Loader, CircleAlert } from 'lucide-react';
import { Button } from 'react-aria-components';
import { label } from '../lib/label-cache';
import { errorSentence } from './ErrorNotice';
import { statusId } from '../stores/statuses-store';
import { useModel, useStatuses } from '../stores/model-context';
import type { ObjectRow } from '../../shared/contract';
import type { Location } from '../stores/listing-store';

// Built once: React skips an element it rendered before, and the cell re-renders with every row it shows.
const ASKED = <Loader className="icon spin" aria-hidden />;
const NOT_ASKED = <Loader className="icon" aria-hidden />;
const LOCK = <Lock className="icon" aria-hidden />;
const LOCK_OPEN = <LockOpen className="icon" aria-hidden />;
const ALERT = <CircleAlert className="icon" aria-hidden />;

/** `t` comes from the table: a translation hook in each of the cells rendered while scrolling costs more than the cell. */
export function EncryptionCell({ location, object, t }: { location: Location; object: ObjectRow; t: TFunction }) {
  const model = useModel();
  const entry = useStatuses((s) => s.entries.get(statusId(location.connectionId, location.bucket, object.key)));
  const encryption = entry && entry.etag === object.etag ? entry.encryption : undefined;

  if (!encryption || encryption.state === 'checking') {
    return (
      <span className="enc enc-checking">
        {encryption ? ASKED : NOT_ASKED}
        {label(t, 'encryption.checking')}
      </span>
    );
  }
  if (encryption.state === 'encrypted') {
    return (
      <span className="enc enc-on" title={label(t, `encryption.explain.${encryption.mode}`)}>
        {LOCK}
        {label(t, 'encryption.encrypted', { mode: encryption.mode })}
      </span>
    );
  }
  if (encryption.state === 'not-encrypted') {
    return (
      <span className="enc enc-off" title={label(t, 'encryption.explain.none')}>
        {LOCK_OPEN}
        {label(t, 'encryption.notEncrypted')}
      </span>
    );
  }
  return (
    <span className="enc enc-error" title={errorSentence(t, encryption.error)}>
      {ALERT}
      {label(t, 'encryption.couldNotCheck')}
      {' — '}
      <Button className="link" onPress={() => model.statuses.getState().retry(location, { key: object.key, etag: object.etag })}>
        {label(t, 'common.retry')}
      </Button>
    </span>
  );
}
