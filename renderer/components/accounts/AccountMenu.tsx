// "+ Add COS account" under the connections, and each account's menu in the sidebar: Edit…, Rename…, Remove… (which
// asks first: the keys are forgotten, the buckets stay on the service).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Ellipsis, Plus } from 'lucide-react';
import { Button, Dialog, FieldError, Form, Heading, Input, Label, Menu, MenuItem, MenuTrigger, Modal, ModalOverlay, Popover, TextField } from 'react-aria-components';
import type { AppError, Connection } from '../../../shared/contract';
import type { Account } from '../../../shared/contract/channels-accounts';
import { useModel } from '../../stores/model-context';
import { ConfirmDialog } from '../ConfirmDialog';
import { ErrorNotice } from '../ErrorNotice';
import { IconButton } from '../IconButton';
import { nameProblem } from './account-form';
import { AccountDialog } from './AccountDialog';

export function AddAccountButton() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button className="link add-account" onPress={() => setOpen(true)}>
        <Plus className="icon" aria-hidden />
        {t('accounts.addButton')}
      </Button>
      <AccountDialog isOpen={open} onClose={() => setOpen(false)} />
    </>
  );
}

type Open = 'edit' | 'rename' | 'remove' | null;

export function AccountMenu({ connection }: { connection: Connection }) {
  const { t } = useTranslation();
  const model = useModel();
  const [open, setOpen] = useState<Open>(null);
  const [account, setAccount] = useState<Account | undefined>();
  const [error, setError] = useState<AppError | null>(null);

  const choose = async (what: Open) => {
    setError(null);
    // The account's public facts (masked SecretId, region, URL), asked fresh: another window may have changed them.
    const answer = await model.bridge.api.accounts.list({});
    if (!answer.ok) return setError(answer.error);
    const found = answer.value.accounts.find((a) => a.id === connection.id);
    if (!found) return void model.connections.getState().load();
    setAccount(found);
    setOpen(what);
  };

  const remove = async () => {
    const answer = await model.bridge.api.accounts.remove({ accountId: connection.id });
    setOpen(null);
    if (!answer.ok) return setError(answer.error);
    await model.connections.getState().load();
  };

  return (
    <>
      <MenuTrigger>
        <IconButton className="button quiet account-menu" label={t('accounts.menu.label', { name: connection.label })}>
          <Ellipsis className="icon" aria-hidden />
        </IconButton>
        <Popover className="popover">
          <Menu className="menu" onAction={(key) => void choose(key as Open)}>
            <MenuItem id="edit" className="menu-item">
              {t('accounts.menu.edit')}
            </MenuItem>
            <MenuItem id="rename" className="menu-item">
              {t('accounts.menu.rename')}
            </MenuItem>
            <MenuItem id="remove" className="menu-item">
              {t('accounts.menu.remove')}
            </MenuItem>
          </Menu>
        </Popover>
      </MenuTrigger>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <AccountDialog isOpen={open === 'edit'} account={account} onClose={() => setOpen(null)} />
      {account && <RenameDialog key={`${account.id}:${account.name}`} isOpen={open === 'rename'} account={account} onClose={() => setOpen(null)} />}
      <ConfirmDialog
        isOpen={open === 'remove'}
        title={t('accounts.remove.title', { name: connection.label })}
        body={t('accounts.remove.body')}
        confirmLabel={t('accounts.remove.confirm')}
        cancelLabel={t('common.cancel')}
        destructive
        onConfirm={() => void remove()}
        onCancel={() => setOpen(null)}
      />
    </>
  );
}

function RenameDialog({ isOpen, account, onClose }: { isOpen: boolean; account: Account; onClose(): void }) {
  const { t } = useTranslation();
  const model = useModel();
  const [name, setName] = useState(account.name);
  const [error, setError] = useState<AppError | null>(null);
  const problem = nameProblem(name);
  return (
    <ModalOverlay className="modal-overlay" isOpen={isOpen} isDismissable onOpenChange={(o) => !o && onClose()}>
      <Modal className="modal">
        <Dialog className="dialog">
          <Form
            validationBehavior="aria"
            onSubmit={async (e) => {
              e.preventDefault();
              if (problem) return;
              const answer = await model.bridge.api.accounts.update({ accountId: account.id, name: name.trim() });
              if (!answer.ok) return setError(answer.error);
              await model.connections.getState().load();
              onClose();
            }}
          >
            <Heading slot="title" className="dialog-title">
              {t('accounts.rename.title')}
            </Heading>
            <TextField className="field" autoFocus value={name} onChange={(v) => (setName(v), setError(null))} isInvalid={!!problem} isRequired>
              <Label>{t('accounts.form.name')}</Label>
              <Input className="input" />
              <FieldError>{problem ? t(problem) : ''}</FieldError>
            </TextField>
            {error && <ErrorNotice error={error} />}
            <div className="dialog-actions">
              <Button className="button" onPress={onClose}>
                {t('common.cancel')}
              </Button>
              <Button className="button primary" type="submit" isDisabled={!!problem}>
                {t('accounts.rename.save')}
              </Button>
            </div>
          </Form>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
