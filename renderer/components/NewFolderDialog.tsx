// "New folder": a name, checked here (no "/"), created by the core as an empty "name/" object.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FolderPlus } from 'lucide-react';
import { Button, Dialog, DialogTrigger, FieldError, Form, Heading, Input, Label, Modal, ModalOverlay, TextField } from 'react-aria-components';
import type { AppError } from '../../shared/contract';
import { useListing, useModel } from '../stores/model-context';
import { ErrorNotice } from './ErrorNotice';

export function NewFolderButton() {
  const { t } = useTranslation();
  const model = useModel();
  const location = useListing((s) => s.location);
  const [name, setName] = useState('');
  const [error, setError] = useState<AppError | null>(null);
  const invalid = name.includes('/') || name === '.' || name === '..';

  return (
    <DialogTrigger onOpenChange={(open) => open && (setName(''), setError(null))}>
      <Button className="button" isDisabled={!location}>
        <FolderPlus className="icon" aria-hidden />
        {t('toolbar.newFolder')}
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog className="dialog">
            {({ close }) => (
              <Form
                onSubmit={async (e) => {
                  e.preventDefault();
                  if (!location || !name.trim() || invalid) return;
                  const key = `${location.prefix}${name.trim()}/`;
                  const answer = await model.bridge.api.objects.createFolder({ connectionId: location.connectionId, bucket: location.bucket, key });
                  if (!answer.ok) return setError(answer.error);
                  model.listing.getState().applyChanges([
                    { type: 'object.changed', connectionId: location.connectionId, bucket: location.bucket, change: 'folder', folder: { prefix: key, name: name.trim() } },
                  ]);
                  close();
                }}
              >
                <Heading slot="title" className="dialog-title">
                  {t('newFolder.title')}
                </Heading>
                <TextField autoFocus value={name} onChange={setName} isInvalid={invalid} isRequired>
                  <Label>{t('newFolder.name')}</Label>
                  <Input className="input" />
                  <FieldError>{t('newFolder.invalid')}</FieldError>
                </TextField>
                {error && <ErrorNotice error={error} />}
                <div className="dialog-actions">
                  <Button className="button" onPress={close}>
                    {t('common.cancel')}
                  </Button>
                  <Button className="button primary" type="submit" isDisabled={!name.trim() || invalid}>
                    {t('newFolder.create')}
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
