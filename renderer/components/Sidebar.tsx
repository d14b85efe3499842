// Places: each connection ("This computer", COS accounts, Coffer stores elsewhere) with its buckets, their region, and a lock badge when
// the bucket encrypts new objects by default.
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { HardDrive, Cloud, Database, Lock, Server } from 'lucide-react';
import { Button } from 'react-aria-components';
import type { Connection } from '../../shared/contract';
import { bucketLabel } from '../lib/format';
import { useConnections, useListing, useModel } from '../stores/model-context';
import { AccountMenu, AddAccountButton, BucketMenu, CreateBucketButton } from './accounts';
import { ErrorNotice } from './ErrorNotice';
import { SettingsButton } from './settings/SettingsButton';

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
      <AddAccountButton />
      <SettingsButton />
    </nav>
  );
}

export function connectionLabel(t: TFunction, c: Connection): string {
  if (c.kind === 'embedded') return t('sidebar.thisComputer');
  return t(c.kind === 'store' ? 'sidebar.storeAccount' : 'sidebar.cosAccount', { label: c.label });
}

function ConnectionItem({ connection }: { connection: Connection }) {
  const { t } = useTranslation();
  const model = useModel();
  const buckets = useConnections((s) => s.buckets[connection.id]);
  const bucketError = useConnections((s) => s.bucketErrors[connection.id]);
  const location = useListing((s) => s.location);
  const Icon = connection.kind === 'embedded' ? HardDrive : connection.kind === 'store' ? Server : Cloud;
  return (
    <li>
      <div className="connection">
        <Icon className="icon" aria-hidden />
        <span>{connectionLabel(t, connection)}</span>
        {connection.state === 'locked' && <Lock className="icon" aria-label={t('sidebar.locked')} />}
        {connection.id.startsWith('profile:') && <AccountMenu connection={connection} />}
      </div>
      {bucketError && <ErrorNotice error={bucketError} onRetry={() => void model.connections.getState().loadBuckets(connection.id)} />}
      <ul className="buckets">
        {buckets?.map((b) => {
          const current = location?.connectionId === connection.id && location.bucket === b.name;
          const encrypts = b.defaultEncryption !== null && b.defaultEncryption !== 'unknown';
          return (
            <li key={b.name} className="bucket-row">
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
              {connection.state === 'ready' && <BucketMenu connection={connection} bucket={b} />}
            </li>
          );
        })}
      </ul>
      {connection.state === 'ready' && <CreateBucketButton connection={connection} />}
    </li>
  );
}
