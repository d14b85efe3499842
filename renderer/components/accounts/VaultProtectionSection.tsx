// Settings → Security: what keeps the vault of COS keys (the OS keychain, the desktop app's safe storage, or a
// passphrase), and, for a passphrase, a way to change it (the current one first, the new one twice). Before the first
// account there is no vault and the section says so. The settings screen mounts this section as it is.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { KeyRound, ShieldCheck } from 'lucide-react';
import { Button, FieldError, Form, Input, Label, TextField } from 'react-aria-components';
import type { AppError } from '../../../shared/contract';
import type { VaultProtection } from '../../../shared/contract/channels-accounts';
import { useModel } from '../../stores/model-context';
import { ErrorNotice } from '../ErrorNotice';
import { passphraseProblem } from './account-form';
import './accounts.css';

export function VaultProtectionSection() {
  const { t } = useTranslation();
  const model = useModel();
  const [protection, setProtection] = useState<VaultProtection | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [changing, setChanging] = useState(false);
  const [changed, setChanged] = useState(false);

  useEffect(() => {
    let live = true;
    void model.bridge.api.vault.protection({}).then((a) => {
      if (!live) return;
      if (a.ok) setProtection(a.value);
      else setError(a.error);
    });
    return () => {
      live = false;
    };
  }, [model]);

  const kept = protection?.protector ?? null;
  return (
    <section className="settings-section vault-protection" aria-labelledby="vault-protection-title">
      <h2 id="vault-protection-title">{t('vaultProtection.title')}</h2>
      {error && <ErrorNotice error={error} />}
      {protection && protection.state === 'absent' && <p>{t('vaultProtection.absent')}</p>}
      {protection && protection.state !== 'absent' && kept && (
        <p className="protected-by">
          {kept === 'passphrase' ? <KeyRound className="icon" aria-hidden /> : <ShieldCheck className="icon" aria-hidden />}
          {t(`vaultProtection.by.${kept}`)}
        </p>
      )}
      {protection?.state === 'locked' && <p className="hint">{t('vaultProtection.locked')}</p>}
      {changed && (
        <p className="ok-line" role="status">
          {t('vaultProtection.changed')}
        </p>
      )}
      {protection?.state === 'unlocked' && kept === 'passphrase' && !changing && (
        <Button className="button" onPress={() => (setChanging(true), setChanged(false))}>
          {t('vaultProtection.change')}
        </Button>
      )}
      {changing && (
        <ChangePassphraseForm
          onDone={(ok) => {
            setChanging(false);
            setChanged(ok);
          }}
        />
      )}
    </section>
  );
}

function ChangePassphraseForm({ onDone }: { onDone(ok: boolean): void }) {
  const { t } = useTranslation();
  const model = useModel();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const problem = passphraseProblem(next, again);
  const showNext = problem?.field === 'passphrase' && next !== '';
  const showAgain = problem?.field === 'again' && again !== '';
  return (
    <Form
      className="change-passphrase"
      validationBehavior="aria"
      onSubmit={async (e) => {
        e.preventDefault();
        if (problem || !current || busy) return;
        setBusy(true);
        const answer = await model.bridge.api.vault.changePassphrase({ current, next });
        setBusy(false);
        setCurrent('');
        if (!answer.ok) return setError(answer.error);
        onDone(true);
      }}
    >
      <TextField className="field" type="password" value={current} onChange={(v) => (setCurrent(v), setError(null))} isRequired autoFocus>
        <Label>{t('vaultProtection.current')}</Label>
        <Input className="input" autoComplete="current-password" />
      </TextField>
      <TextField className="field" type="password" value={next} onChange={setNext} isRequired isInvalid={showNext}>
        <Label>{t('vaultProtection.next')}</Label>
        <Input className="input" autoComplete="new-password" />
        <FieldError>{showNext ? t(problem!.key) : ''}</FieldError>
      </TextField>
      <TextField className="field" type="password" value={again} onChange={setAgain} isRequired isInvalid={showAgain}>
        <Label>{t('vaultProtection.again')}</Label>
        <Input className="input" autoComplete="new-password" />
        <FieldError>{showAgain ? t(problem!.key) : ''}</FieldError>
      </TextField>
      {error && <ErrorNotice error={error} />}
      <div className="dialog-actions">
        <Button className="button" onPress={() => onDone(false)}>
          {t('common.cancel')}
        </Button>
        <Button className="button primary" type="submit" isDisabled={!current || problem !== null} aria-disabled={busy || undefined}>
          {t('vaultProtection.save')}
        </Button>
      </div>
    </Form>
  );
}
