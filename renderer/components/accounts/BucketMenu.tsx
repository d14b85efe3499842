// Each bucket's menu in the sidebar: "Default encryption…" (what new objects get when an upload asks for nothing) and
// "Delete bucket…".
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Ellipsis } from 'lucide-react';
import { Menu, MenuItem, MenuTrigger, Popover } from 'react-aria-components';
import type { Bucket, Connection } from '../../../shared/contract';
import { bucketLabel } from '../../lib/format';
import { IconButton } from '../IconButton';
import { BucketEncryptionDialog } from './BucketEncryptionDialog';
import { DeleteBucketDialog } from './DeleteBucketDialog';

export function BucketMenu({ connection, bucket }: { connection: Connection; bucket: Bucket }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<'encryption' | 'delete' | null>(null);
  const [round, setRound] = useState(0);
  return (
    <>
      <MenuTrigger>
        <IconButton className="button quiet bucket-menu" label={t('bucketMenu.label', { name: bucketLabel(bucket.name) })}>
          <Ellipsis className="icon" aria-hidden />
        </IconButton>
        <Popover className="popover">
          <Menu
            className="menu"
            onAction={(key) => {
              setRound((r) => r + 1);
              setOpen(key === 'delete' ? 'delete' : 'encryption');
            }}
          >
            <MenuItem id="encryption" className="menu-item">
              {t('bucketMenu.encryption')}
            </MenuItem>
            <MenuItem id="delete" className="menu-item">
              {t('bucketMenu.delete')}
            </MenuItem>
          </Menu>
        </Popover>
      </MenuTrigger>
      {open === 'encryption' && <BucketEncryptionDialog key={round} connectionId={connection.id} bucket={bucket} onClose={() => setOpen(null)} />}
      {open === 'delete' && <DeleteBucketDialog key={round} connectionId={connection.id} bucket={bucket} onClose={() => setOpen(null)} />}
    </>
  );
}
