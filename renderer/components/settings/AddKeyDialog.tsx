// "Generate a key" and "Import a key": a name, and for an import the key as base64 (44 characters) or hex (64),
// typed, pasted or read from a key file; checked as typed. Where there is no vault yet and nothing else can protect
// it, a passphrase for the new vault is asked here too (the same rules as for the first account). After a new key
// is made, the dialog says to keep a copy, with the Export button at hand.
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Dialog, FieldError, Form, Heading, Input, Label, Modal, ModalOverlay, Text, TextField } from 'react-aria-components';
import type { AppError } from '../../../shared/contract';
import type { SseCKeyView } from '../../../shared/contract/channels-settings';
import { useModel, useSseCKeys } from '../../stores/model-context';
import { passphraseProblem } from '../accounts/account-form';
import { ErrorNotice } from '../ErrorNotice';
import { keyNameProblem, keyTextProblem, tidyKey } from './key-form';

export interface AddKeyDialogProps {
  mode: 'generate' | 'import';
  onClose(): void;
  /** Opens the export of the key just added. */
  onExport(key: SseCKeyView): void;
}

export function AddKeyDialog({ mode, onClose, onExport }: AddKeyDialogProps) {
  const { t } = useTranslation();
  const model = useModel();
  const keys = useSseCKeys((s) => s.keys);
  const askPassphrase = useSseCKeys((s) => s.vault?.newVaultNeedsPassphrase ?? false);
  const [name, setName] = useState('');
  const [keyText, setKeyText] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [fileProblem, setFileProblem] = useState(false);
  const [added, setAdded] = useState<SseCKeyView | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  const problems = {
    name: keyNameProblem(name, keys),
    key: mode === 'import' ? keyTextProblem(keyText) : null,
    passphrase: askPassphrase ? passphraseProblem(passphrase, again) : null,
  };
  const ready = !problems.name && !problems.key && !problems.passphrase;
  const show = (field: string, value: string) => touched[field] || value !== '';
  const touch = (field: string) => setTouched((s) => ({ ...s, [field]: true }));

  const submit = async () => {
    setTouched({ name: true, key: true, passphrase: true, again: true });
    if (!ready || busy) return;
    setBusy(true);
    setError(null);
    const store = model.sseCKeys.getState();
    const vaultPassphrase = askPassphrase ? passphrase : undefined;
    const result = mode === 'generate' ? await store.generate(name.trim(), vaultPassphrase) : await store.importKey(name.trim(), tidyKey(keyText), vaultPassphrase);
    setBusy(false);
    if (!result.ok) return setError(result.error);
    // The key text is not kept once it is in the vault.
    setKeyText('');
    setPassphrase('');
    setAgain('');
    setAdded(result.value);
  };

  const readFile = async (file: File | undefined) => {
    if (!file) return;
    // A key file is one short line; anything bigger is not one (and is not read whole).
    const text = file.size <= 1024 ? await file.text() : '';
    setFileProblem(keyTextProblem(text) !== null);
    if (keyTextProblem(text) === null) setKeyText(tidyKey(text));
    touch('key');
  };

  return (
    <ModalOverlay className="modal-overlay" isOpen isDismissable onOpenChange={(open) => !open && onClose()}>
      <Modal className="modal key-modal">
        <Dialog className="dialog">
          <Heading slot="title" className="dialog-title">
            {t(mode === 'generate' ? 'sseCKeys.form.generateTitle' : 'sseCKeys.form.importTitle')}
          </Heading>
          {added ? (
            <>
              <p role="status">{t(mode === 'generate' ? 'sseCKeys.form.generated' : 'sseCKeys.form.imported', { name: added.name })}</p>
              {mode === 'generate' && <p className="warn-line">{t('sseCKeys.form.keepCopy')}</p>}
              <div className="dialog-actions">
                <Button className="button" onPress={onClose}>
                  {t('common.close')}
                </Button>
                {mode === 'generate' && (
                  <Button className="button primary" autoFocus onPress={() => onExport(added)}>
                    {t('sseCKeys.export')}
                  </Button>
                )}
              </div>
            </>
          ) : (
            <Form
              validationBehavior="aria"
              onSubmit={(e) => {
                e.preventDefault();
                void submit();
              }}
            >
              <p className="hint">{t(mode === 'generate' ? 'sseCKeys.form.generateHint' : 'sseCKeys.form.importHint')}</p>
              <TextField className="field" value={name} onChange={setName} onBlur={() => touch('name')} isInvalid={!!problems.name && show('name', name)} isRequired autoFocus>
                <Label>{t('sseCKeys.form.name')}</Label>
                <Input className="input" />
                <FieldError>{problems.name && show('name', name) ? t(problems.name) : ''}</FieldError>
              </TextField>
              {mode === 'import' && (
                <>
                  <TextField
                    className="field"
                    type="password"
                    value={keyText}
                    onChange={(v) => (setKeyText(v), setFileProblem(false))}
                    onBlur={() => touch('key')}
                    isInvalid={!!problems.key && show('key', keyText)}
                    isRequired
                  >
                    <Label>{t('sseCKeys.form.key')}</Label>
                    <Input className="input mono" autoComplete="off" spellCheck={false} />
                    <Text slot="description" className="hint">
                      {t('sseCKeys.form.keyHint')}
                    </Text>
                    <FieldError>{problems.key && show('key', keyText) ? t(problems.key) : ''}</FieldError>
                  </TextField>
                  <div>
                    <Button className="button" onPress={() => fileRef.current?.click()}>
                      {t('sseCKeys.form.fromFile')}
                    </Button>
                    <input ref={fileRef} type="file" hidden aria-label={t('sseCKeys.form.fromFile')} data-testid="key-file-input" onChange={(e) => void readFile(e.currentTarget.files?.[0]).then(() => (e.target.value = ''))} />
                    {fileProblem && <p className="field-error">{t('sseCKeys.form.fileInvalid')}</p>}
                  </div>
                </>
              )}
              {askPassphrase && (
                <fieldset className="field passphrase-set">
                  <legend>{t('sseCKeys.form.vaultTitle')}</legend>
                  <p className="hint">{t('sseCKeys.form.vaultHint')}</p>
                  <TextField className="field" type="password" value={passphrase} onChange={setPassphrase} onBlur={() => touch('passphrase')} isInvalid={problems.passphrase?.field === 'passphrase' && show('passphrase', passphrase)} isRequired>
                    <Label>{t('accounts.form.passphrase')}</Label>
                    <Input className="input" autoComplete="new-password" />
                    <FieldError>{problems.passphrase?.field === 'passphrase' && show('passphrase', passphrase) ? t(problems.passphrase.key) : ''}</FieldError>
                  </TextField>
                  <TextField className="field" type="password" value={again} onChange={setAgain} onBlur={() => touch('again')} isInvalid={problems.passphrase?.field === 'again' && show('again', again)} isRequired>
                    <Label>{t('accounts.form.passphraseAgain')}</Label>
                    <Input className="input" autoComplete="new-password" />
                    <FieldError>{problems.passphrase?.field === 'again' && show('again', again) ? t(problems.passphrase.key) : ''}</FieldError>
                  </TextField>
                </fieldset>
              )}
              {error && <ErrorNotice error={error} />}
              <div className="dialog-actions">
                <Button className="button" onPress={onClose}>
                  {t('common.cancel')}
                </Button>
                <Button className="button primary" type="submit" aria-disabled={busy || undefined}>
                  {t(mode === 'generate' ? 'sseCKeys.form.generateSubmit' : 'sseCKeys.form.importSubmit')}
                </Button>
              </div>
            </Form>
          )}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
