// "New folder": a name, checked here (lib/object-names.ts), created by the core as an empty "name/"
// object. Checking here means the user reads a sentence in their language, not the contract's refusal.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FolderPlus } from 'lucide-react';
import { Button, Dialog, DialogTrigger, FieldError, Form, Heading, Input, Label, Modal, ModalOverlay, TextField } from 'react-aria-components';
import type { AppError } from '../../shared/contract';
import { useListing, useModel } from '../stores/model-context';
import { nameProblem } from '../lib/object-names';
import { ErrorNotice } from './ErrorNotice';

export function NewFolderButton() {
  const { t } = useTranslation();
  const model = useModel();
  const location = useListing((s) => s.location);
  const folders = useListing((s) => s.folders);
  const [name, setName] = useState('');
  const [error, setError] = useState<AppError | null>(null);
  const trimmed = name.trim();
  const problem = location ? nameProblem(name, location.prefix, true) : null;
  const badName = problem === 'invalid';
  const tooLong = problem === 'tooLong';
  // A folder of that name on screen: Create would change nothing and close without a word.
  const exists = !!location && !!trimmed && folders.some((f) => f.prefix === `${location.prefix}${trimmed}/`);
  const invalid = badName || tooLong || exists;

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
                  if (!location || !trimmed || invalid) return;
                  const failed = await model.listing.getState().createFolder(`${location.prefix}${trimmed}/`);
                  if (failed) return setError(failed);
                  close();
                }}
              >
                <Heading slot="title" className="dialog-title">
                  {t('newFolder.title')}
                </Heading>
                <TextField autoFocus value={name} onChange={setName} isInvalid={invalid} isRequired>
                  <Label>{t('newFolder.name')}</Label>
                  <Input className="input" />
                  <FieldError>{badName ? t('newFolder.invalid') : exists ? t('newFolder.exists', { name: trimmed }) : t('newFolder.tooLong')}</FieldError>
                </TextField>
                {error && <ErrorNotice error={error} />}
                <div className="dialog-actions">
                  <Button className="button" onPress={close}>
                    {t('common.cancel')}
                  </Button>
                  <Button className="button primary" type="submit" isDisabled={!trimmed || invalid}>
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
