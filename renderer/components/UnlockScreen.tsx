// "Unlock Coffer": the vault keeps COS accounts encrypted with a passphrase. The passphrase goes to the core
// once and is cleared from the page; browsing This computer does not need it.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { KeyRound } from 'lucide-react';
import { Button, FieldError, Form, Input, Label, TextField } from 'react-aria-components';
import type { AppError } from '../../shared/contract';
import { useModel } from '../stores/model-context';
import { useErrorSentence } from './ErrorNotice';

export function UnlockScreen({ onSkip }: { onSkip(): void }) {
  const { t } = useTranslation();
  const model = useModel();
  const sentence = useErrorSentence();
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main className="unlock">
      <Form
        className="unlock-form"
        validationBehavior="aria"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          const failure = await model.shell.getState().unlock(passphrase);
          setPassphrase('');
          setBusy(false);
          setError(failure);
          if (!failure) void model.connections.getState().load();
        }}
      >
        <KeyRound className="icon big" aria-hidden />
        <h1>{t('unlock.title')}</h1>
        <p>{t('unlock.body')}</p>
        <TextField type="password" autoFocus value={passphrase} onChange={(v) => (setPassphrase(v), setError(null))} isInvalid={!!error} isRequired>
          <Label>{t('unlock.passphrase')}</Label>
          <Input className="input" autoComplete="current-password" />
          <FieldError>{error ? sentence(error) : ''}</FieldError>
        </TextField>
        <Button className="button primary" type="submit" isDisabled={!passphrase || busy}>
          {t('unlock.unlock')}
        </Button>
        <Button className="link" onPress={onSkip}>
          {t('unlock.skip')}
        </Button>
      </Form>
    </main>
  );
}
