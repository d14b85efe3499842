// "Rename": a new name for a file or a folder, checked as typed (lib/object-names.ts: no "/", "\" or control
// characters, not "." or "..", the whole key within COS's 850 bytes; not the same name). A file is renamed at once; a folder is moved as a job (every object under it
// gets the new path). A taken name is asked about before anything changes.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Dialog, FieldError, Form, Heading, Input, Label, Modal, ModalOverlay, TextField } from 'react-aria-components';
import { nameProblem } from '../../lib/object-names';
import { detailsStore, nameOfKey, parentOfKey } from './details-store';
import { useModel } from '../../stores/model-context';
import type { ObjectActions } from './use-object-actions';

export function RenameDialog({ objectKey, actions }: { objectKey: string; actions: ObjectActions }) {
  const { t } = useTranslation();
  const model = useModel();
  const folder = objectKey.endsWith('/');
  const parent = parentOfKey(objectKey);
  const current = nameOfKey(objectKey);
  const [name, setName] = useState(current);
  const [busy, setBusy] = useState(false);
  const problem = nameProblem(name, parent, folder);
  const unchanged = name.trim() === current;
  const close = () => detailsStore(model).getState().openDialog(null);

  const submit = async () => {
    if (problem || unchanged || busy) return;
    setBusy(true);
    const to = `${parent}${name.trim()}${folder ? '/' : ''}`;
    if (folder) {
      // The move asks its own question about taken names; this dialog closes first.
      close();
      await actions.moveAll([{ from: objectKey, to }]);
      return;
    }
    close();
    await actions.renameFile(objectKey, to);
  };

  return (
    <ModalOverlay className="modal-overlay" isOpen isDismissable onOpenChange={(open) => !open && close()}>
      <Modal className="modal">
        <Dialog className="dialog">
          <Form
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
          >
            <Heading slot="title" className="dialog-title">
              {t(folder ? 'details.renameDialog.titleFolder' : 'details.renameDialog.title', { name: current })}
            </Heading>
            <TextField
              autoFocus
              value={name}
              onChange={setName}
              isInvalid={problem === 'invalid' || problem === 'tooLong'}
              isRequired
              onFocus={(e) => {
                // Select the name without its extension, as file managers do.
                const input = e.target as HTMLInputElement;
                const dot = folder ? -1 : input.value.lastIndexOf('.');
                input.setSelectionRange(0, dot > 0 ? dot : input.value.length);
              }}
            >
              <Label>{t('details.renameDialog.name')}</Label>
              <Input className="input" />
              <FieldError>{problem === 'tooLong' ? t('details.renameDialog.tooLong') : t('details.renameDialog.invalid')}</FieldError>
            </TextField>
            {folder && <p className="hint">{t('details.renameDialog.folderHint')}</p>}
            <div className="dialog-actions">
              <Button className="button" onPress={close}>
                {t('common.cancel')}
              </Button>
              <Button className="button primary" type="submit" isDisabled={!!problem || unchanged || busy}>
                {t('details.renameDialog.rename')}
              </Button>
            </div>
          </Form>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
