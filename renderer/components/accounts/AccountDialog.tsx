// "Add COS account" and "Edit account": one dialog. The keys are checked as they are typed, tested against the service
// before anything is kept (the core lists the buckets; a wrong SecretKey, an unknown SecretId, a clock too far off
// and an address that does not answer each have their own sentence), then kept in the vault, which the first account
// creates (asking for a passphrase only where no OS keychain can keep it). Secrets never come back: editing shows the
// SecretId masked and new keys are typed again. A coffer-store elsewhere is added the same way, by its URL.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CircleCheck, TriangleAlert } from 'lucide-react';
import { Button, Checkbox, Dialog, FieldError, Form, Heading, Input, Label, Modal, ModalOverlay, Radio, RadioGroup, Text, TextField } from 'react-aria-components';
import type { AppError } from '../../../shared/contract';
import type { Account, AccountCredentials, VaultProtection } from '../../../shared/contract/channels-accounts';
import { useModel } from '../../stores/model-context';
import { ErrorNotice } from '../ErrorNotice';
import { appIdProblem, nameProblem, passphraseProblem, secretIdProblem, secretKeyProblem, sessionTokenProblem, storeUrlProblem, tidySecret } from './account-form';
import { RegionPicker, useRegions } from './RegionPicker';
import './accounts.css';

interface Tested {
  appId: string | null;
  buckets: number;
  clockOffsetSeconds: number;
}

export interface AccountDialogProps {
  isOpen: boolean;
  onClose(): void;
  /** The account being edited; without it the dialog adds one. */
  account?: Account;
}

export function AccountDialog({ isOpen, onClose, account }: AccountDialogProps) {
  return (
    <ModalOverlay className="modal-overlay" isOpen={isOpen} isDismissable onOpenChange={(open) => !open && onClose()}>
      <Modal className="modal account-modal">
        <Dialog className="dialog account-dialog">{isOpen && <AccountForm account={account} onDone={onClose} />}</Dialog>
      </Modal>
    </ModalOverlay>
  );
}

function AccountForm({ account, onDone }: { account?: Account; onDone(): void }) {
  const { t } = useTranslation();
  const model = useModel();
  const api = model.bridge.api;
  const regions = useRegions();
  const editing = account !== undefined;
  const [kind, setKind] = useState<'cos' | 'store'>(account?.kind ?? 'cos');
  const [name, setName] = useState(account?.name ?? '');
  const [endpoint, setEndpoint] = useState(account?.endpoint ?? '');
  const [region, setRegion] = useState(account?.region ?? 'ap-guangzhou');
  const [appId, setAppId] = useState(editing ? account.appId : '');
  const [changeKeys, setChangeKeys] = useState(!editing);
  const [secretId, setSecretId] = useState('');
  const [secretKey, setSecretKey] = useState('');
  const [sessionToken, setSessionToken] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [protection, setProtection] = useState<VaultProtection | null>(null);
  const [askPassphrase, setAskPassphrase] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState<'testing' | 'saving' | null>(null);
  const [tested, setTested] = useState<Tested | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  /** The fingerprint of a store certificate no authority signed, once the user has chosen to trust it. */
  const [trust, setTrust] = useState<string | null>(null);
  // A refusal shows at the foot of a long form: brought into view, or the user would see nothing happen.
  const refusal = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) refusal.current?.scrollIntoView?.({ block: 'nearest' });
  }, [error]);

  useEffect(() => {
    if (editing) return;
    void api.vault.protection({}).then((a) => {
      if (!a.ok) return;
      setProtection(a.value);
      setAskPassphrase(a.value.state === 'absent' && a.value.forNewVault === 'passphrase');
    });
  }, [api, editing]);

  // Anything typed makes an earlier test result stale.
  const edit =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setTested(null);
      setError(null);
    };

  const show = (value: string) => submitted || value !== '';
  const problems = {
    name: nameProblem(name),
    endpoint: kind === 'store' ? storeUrlProblem(endpoint) : null,
    secretId: changeKeys ? secretIdProblem(secretId) : null,
    secretKey: changeKeys ? secretKeyProblem(secretKey) : null,
    sessionToken: changeKeys ? sessionTokenProblem(sessionToken) : null,
    appId: appIdProblem(appId),
    passphrase: askPassphrase ? passphraseProblem(passphrase, again) : null,
  };
  const keysOk = !problems.endpoint && !problems.secretId && !problems.secretKey && !problems.sessionToken && !problems.appId;
  const allOk = keysOk && !problems.name && !problems.passphrase;

  const credentials = (): AccountCredentials => ({ secretId, secretKey, ...(sessionToken ? { sessionToken } : {}) });
  const place = () => ({ kind, region, ...(kind === 'store' ? { endpoint: endpoint.trim() } : {}), ...(appId ? { appId } : {}), ...(trust ? { trustCertificateSha256: trust } : {}) });
  // A store certificate the refusal named, which the user may compare with the store's and choose to trust.
  const offered = (error?.code === 'AccountCertificate' || error?.code === 'AccountCertificateChanged') && kind === 'store' ? (error.details.certificateSha256 ?? null) : null;

  const onError = (e: AppError) => {
    setError(e);
    if (e.code === 'VaultPassphraseNeeded') setAskPassphrase(true);
  };

  // Buttons stay enabled while a request is on its way (a disabled button loses the focus, and with it Esc and Tab
  // in the dialog); a press meanwhile does nothing.
  const runTest = async () => {
    setSubmitted(true);
    if (!keysOk || busy) return;
    setBusy('testing');
    setError(null);
    setTested(null);
    const answer = await api.accounts.test({ ...place(), ...(editing ? { accountId: account.id } : {}), ...(changeKeys ? { credentials: credentials() } : {}) });
    setBusy(null);
    if (answer.ok) setTested(answer.value);
    else onError(answer.error);
  };

  const save = async () => {
    setSubmitted(true);
    if (!allOk || busy) return;
    setBusy('saving');
    setError(null);
    const answer = editing
      ? await api.accounts.update({
          accountId: account.id,
          ...(name.trim() !== account.name ? { name: name.trim() } : {}),
          ...(region !== account.region ? { region } : {}),
          ...(kind === 'store' && endpoint.trim() !== account.endpoint ? { endpoint: endpoint.trim() } : {}),
          ...(appId && appId !== account.appId ? { appId } : {}),
          ...(trust ? { trustCertificateSha256: trust } : {}),
          ...(changeKeys ? { credentials: credentials() } : {}),
        })
      : await api.accounts.add({ name: name.trim(), ...place(), credentials: credentials(), ...(askPassphrase ? { vaultPassphrase: passphrase } : {}) });
    setBusy(null);
    if (!answer.ok) return onError(answer.error);
    setSecretKey('');
    setPassphrase('');
    setAgain('');
    await model.connections.getState().load();
    onDone();
  };

  const field = (key: string | null, value: string) => (key && show(value) ? t(key) : '');

  return (
    <Form
      validationBehavior="aria"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Heading slot="title" className="dialog-title">
        {editing ? t('accounts.edit.title') : t('accounts.add.title')}
      </Heading>
      {!editing && (
        <RadioGroup className="field choice" value={kind} onChange={(v) => edit(setKind)(v === 'store' ? 'store' : 'cos')}>
          <Label>{t('accounts.form.kind')}</Label>
          <Radio value="cos">{t('accounts.form.kindCos')}</Radio>
          <Radio value="store">{t('accounts.form.kindStore')}</Radio>
        </RadioGroup>
      )}
      <TextField className="field" autoFocus value={name} onChange={edit(setName)} isInvalid={!!field(problems.name, name)} isRequired>
        <Label>{t('accounts.form.name')}</Label>
        <Input className="input" placeholder={t('accounts.form.namePlaceholder')} />
        <FieldError>{field(problems.name, name)}</FieldError>
      </TextField>
      {kind === 'store' && (
        <TextField className="field" value={endpoint} onChange={edit((v: string) => (setEndpoint(v), setTrust(null)))} isInvalid={!!field(problems.endpoint, endpoint)} isRequired>
          <Label>{t('accounts.form.url')}</Label>
          <Input className="input" placeholder="https://store.example.com:9000" />
          <Text slot="description" className="hint">
            {t('accounts.form.urlHint')}
          </Text>
          <FieldError>{field(problems.endpoint, endpoint)}</FieldError>
        </TextField>
      )}
      {editing && !changeKeys ? (
        <div className="field masked-keys">
          <span>{t('accounts.form.secretIdMasked', { masked: account.secretIdMasked })}</span>
          <Button className="link" onPress={() => (setChangeKeys(true), setTested(null))}>
            {t('accounts.form.changeKeys')}
          </Button>
        </div>
      ) : (
        <>
          <p className="hint">{t(kind === 'cos' ? 'accounts.form.keysHintCos' : 'accounts.form.keysHintStore')}</p>
          <TextField className="field" value={secretId} onChange={edit((v: string) => setSecretId(tidySecret(v)))} isInvalid={!!field(problems.secretId, secretId)} isRequired>
            <Label>{t('accounts.form.secretId')}</Label>
            <Input className="input mono" autoComplete="off" spellCheck={false} />
            <FieldError>{field(problems.secretId, secretId)}</FieldError>
          </TextField>
          <TextField className="field" type="password" value={secretKey} onChange={edit((v: string) => setSecretKey(tidySecret(v)))} isInvalid={!!field(problems.secretKey, secretKey)} isRequired>
            <Label>{t('accounts.form.secretKey')}</Label>
            <Input className="input mono" autoComplete="off" />
            <FieldError>{field(problems.secretKey, secretKey)}</FieldError>
          </TextField>
          <TextField className="field" type="password" value={sessionToken} onChange={edit((v: string) => setSessionToken(tidySecret(v)))} isInvalid={!!field(problems.sessionToken, sessionToken)}>
            <Label>{t('accounts.form.sessionToken')}</Label>
            <Input className="input mono" autoComplete="off" />
            <Text slot="description" className="hint">
              {t('accounts.form.sessionTokenHint')}
            </Text>
            <FieldError>{field(problems.sessionToken, sessionToken)}</FieldError>
          </TextField>
          {editing && (
            <Button className="link" onPress={() => (setChangeKeys(false), setSecretId(''), setSecretKey(''), setSessionToken(''), setTested(null))}>
              {t('accounts.form.keepKeys')}
            </Button>
          )}
        </>
      )}
      <RegionPicker label={t('accounts.form.region')} value={region} onChange={edit(setRegion)} regions={regions} />
      <TextField className="field" value={appId} onChange={edit(setAppId)} isInvalid={!!field(problems.appId, appId)}>
        <Label>{t('accounts.form.appId')}</Label>
        <Input className="input" inputMode="numeric" />
        <Text slot="description" className="hint">
          {t('accounts.form.appIdHint')}
        </Text>
        <FieldError>{field(problems.appId, appId)}</FieldError>
      </TextField>
      {askPassphrase && (
        <fieldset className="field passphrase-set">
          <legend>{t('accounts.form.vaultTitle')}</legend>
          <p className="hint">{t('accounts.form.vaultHint')}</p>
          <TextField className="field" type="password" value={passphrase} onChange={edit(setPassphrase)} isInvalid={problems.passphrase?.field === 'passphrase' && show(passphrase)} isRequired>
            <Label>{t('accounts.form.passphrase')}</Label>
            <Input className="input" autoComplete="new-password" />
            <FieldError>{problems.passphrase?.field === 'passphrase' && show(passphrase) ? t(problems.passphrase.key) : ''}</FieldError>
          </TextField>
          <TextField className="field" type="password" value={again} onChange={edit(setAgain)} isInvalid={problems.passphrase?.field === 'again' && show(again)} isRequired>
            <Label>{t('accounts.form.passphraseAgain')}</Label>
            <Input className="input" autoComplete="new-password" />
            <FieldError>{problems.passphrase?.field === 'again' && show(again) ? t(problems.passphrase.key) : ''}</FieldError>
          </TextField>
        </fieldset>
      )}
      {protection && !askPassphrase && protection.state === 'absent' && <p className="hint">{t(`accounts.form.vaultBy.${protection.forNewVault}`)}</p>}
      <div className="account-status" role="status">
        {busy && <p className="hint">{busy === 'testing' ? t('accounts.form.testing') : t('accounts.form.saving')}</p>}
        {tested && (
          <p className="ok-line">
            <CircleCheck className="icon" aria-hidden />
            {tested.appId ? t('accounts.form.tested', { count: tested.buckets, appId: tested.appId }) : t('accounts.form.testedNoAppId', { count: tested.buckets })}
          </p>
        )}
        {tested && tested.clockOffsetSeconds !== 0 && (
          <p className="warn-line">
            <TriangleAlert className="icon" aria-hidden />
            {t('accounts.form.clockOff', { count: Math.max(1, Math.round(Math.abs(tested.clockOffsetSeconds) / 60)) })}
          </p>
        )}
      </div>
      <div ref={refusal}>
        {error && <ErrorNotice error={error} />}
        {offered && (
          <div className="trust-certificate">
            <p>{t('accounts.form.certificate.offered')}</p>
            <code className="fingerprint">{offered}</code>
            <p className="hint">{t('accounts.form.certificate.compare')}</p>
            <Checkbox className="checkbox" isSelected={trust === offered} onChange={(on) => setTrust(on ? offered : null)}>
              <span className="box" aria-hidden />
              {t('accounts.form.certificate.trust')}
            </Checkbox>
          </div>
        )}
      </div>
      {!offered && (trust ?? (editing && kind === 'store' && endpoint.trim() === account.endpoint ? account.certificateSha256 : null)) && (
        <p className="hint">{t('accounts.form.certificate.trusted', { fingerprint: trust ?? account?.certificateSha256 })}</p>
      )}
      <div className="dialog-actions">
        <Button className="button" onPress={onDone}>
          {t('common.cancel')}
        </Button>
        <Button className="button" onPress={() => void runTest()} aria-disabled={busy !== null || undefined}>
          {t('accounts.form.test')}
        </Button>
        <Button className="button primary" type="submit" aria-disabled={busy !== null || undefined}>
          {editing ? t('accounts.edit.save') : t('accounts.add.add')}
        </Button>
      </div>
    </Form>
  );
}
