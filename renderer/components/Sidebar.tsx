// Places: each connection ("This computer", COS accounts) with its buckets, their region, and a lock badge when
// the bucket encrypts new objects by default.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { HardDrive, Cloud, Database, Lock, Plus } from 'lucide-react';
import { Button, Dialog, DialogTrigger, FieldError, Form, Heading, Input, Label, Modal, ModalOverlay, TextField } from 'react-aria-components';
import { BucketName, type AppError, type Connection } from '../../shared/contract';
import { bucketLabel } from '../lib/format';
import { useConnections, useListing, useModel } from '../stores/model-context';
import { ErrorNotice } from './ErrorNotice';

export function Sidebar() {
  const { t } = useTranslation();
  const connections = useConnections((s) => s.connections);
  const status = useConnections((s) => s.status);
  const error = useConnections((s) => s.error);
  const model = useModel();
  return (
    <nav className="sidebar" aria-label={t('sidebar.label')}>
      <h2 className="sidebar-title">{t('sidebar.connections')}</h2>
      {status === 'error' && error && <ErrorNotice error={error} onRetry={() => void model.connections.getState().load()} />}
      {status === 'ready' && connections.length === 0 && <p className="hint">{t('sidebar.noConnections')}</p>}
      <ul className="connections">
        {connections.map((c) => (
          <ConnectionItem key={c.id} connection={c} />
        ))}
      </ul>
    </nav>
  );
}

export function connectionLabel(t: TFunction, c: Connection): string {
  return c.kind === 'embedded' ? t('sidebar.thisComputer') : t('sidebar.cosAccount', { label: c.label });
}

function ConnectionItem({ connection }: { connection: Connection }) {
  const { t } = useTranslation();
  const model = useModel();
  const buckets = useConnections((s) => s.buckets[connection.id]);
  const bucketError = useConnections((s) => s.bucketErrors[connection.id]);
  const location = useListing((s) => s.location);
  const Icon = connection.kind === 'embedded' ? HardDrive : Cloud;
  return (
    <li>
      <div className="connection">
        <Icon className="icon" aria-hidden />
        <span>{connectionLabel(t, connection)}</span>
        {connection.state === 'locked' && <Lock className="icon" aria-label={t('sidebar.locked')} />}
      </div>
      {bucketError && <ErrorNotice error={bucketError} onRetry={() => void model.connections.getState().loadBuckets(connection.id)} />}
      <ul className="buckets">
        {buckets?.map((b) => {
          const current = location?.connectionId === connection.id && location.bucket === b.name;
          const encrypts = b.defaultEncryption !== null && b.defaultEncryption !== 'unknown';
          return (
            <li key={b.name}>
              <Button
                className={`bucket${current ? ' current' : ''}`}
                aria-current={current ? 'location' : undefined}
                onPress={() => void model.listing.getState().open({ connectionId: connection.id, bucket: b.name, prefix: '' })}
              >
                <Database className="icon" aria-hidden />
                <span className="bucket-name">{bucketLabel(b.name)}</span>
                {encrypts && <Lock className="icon lock-badge" role="img" aria-label={t('sidebar.defaultEncryptionOn')} />}
                <span className="region">{b.region}</span>
              </Button>
            </li>
          );
        })}
      </ul>
      {connection.state === 'ready' && <NewBucketButton connection={connection} />}
    </li>
  );
}

function NewBucketButton({ connection }: { connection: Connection }) {
  const { t } = useTranslation();
  const model = useModel();
  const [name, setName] = useState('');
  const [region, setRegion] = useState('ap-guangzhou');
  const [error, setError] = useState<AppError | null>(null);
  const fullName = connection.appId && !/-\d+$/.test(name) ? `${name}-${connection.appId}` : name;
  // The contract's own rule, checked as the user types: a sentence here rather than a refusal after "Create".
  const invalid = name !== '' && !BucketName.safeParse(fullName).success;
  return (
    <DialogTrigger onOpenChange={(open) => open && setError(null)}>
      <Button className="link small">
        <Plus className="icon" aria-hidden />
        {t('newBucket.button')}
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog className="dialog">
            {({ close }) => (
              <Form
                onSubmit={async (e) => {
                  e.preventDefault();
                  if (invalid) return;
                  const failure = await model.connections.getState().createBucket(connection.id, fullName, region);
                  if (failure) return setError(failure);
                  close();
                  void model.listing.getState().open({ connectionId: connection.id, bucket: fullName, prefix: '' });
                }}
              >
                <Heading slot="title" className="dialog-title">
                  {t('newBucket.title')}
                </Heading>
                <TextField autoFocus value={name} onChange={(v) => setName(v.toLowerCase())} isRequired isInvalid={invalid}>
                  <Label>{t('newBucket.name')}</Label>
                  <Input className="input" />
                  <FieldError>{t('newBucket.invalid')}</FieldError>
                </TextField>
                <TextField value={region} onChange={setRegion} isRequired>
                  <Label>{t('newBucket.region')}</Label>
                  <Input className="input" />
                </TextField>
                <p className="hint">{t('newBucket.hint')}</p>
                {error && <ErrorNotice error={error} />}
                <div className="dialog-actions">
                  <Button className="button" onPress={close}>
                    {t('common.cancel')}
                  </Button>
                  <Button className="button primary" type="submit" isDisabled={!name || invalid}>
                    {t('newBucket.create')}
                  </Button>
                </div>
              </Form>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}
