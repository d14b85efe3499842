// "New bucket…": a name checked as it is typed against COS's rule (shared/contract/bucket-name.ts: lowercase letters,
// digits and "-", not at either end, and short enough for the bucket's domain in that region), a region picker that
// marks where server-side encryption is offered, "Encrypt new objects by default" on wherever it can be, and private
// or public-read. The core checks the same rules again before it sends anything.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Plus } from 'lucide-react';
import { Button, Checkbox, Dialog, DialogTrigger, FieldError, Form, Heading, Input, Label, Modal, ModalOverlay, Radio, RadioGroup, Text, TextField } from 'react-aria-components';
import type { AppError, Connection } from '../../../shared/contract';
import { bucketNameProblem, maxBucketNameLength } from '../../../shared/contract/bucket-name';
import { useModel } from '../../stores/model-context';
import { ErrorNotice } from '../ErrorNotice';
import { RegionPicker, useRegions } from './RegionPicker';
import './accounts.css';

const DEFAULT_REGION = 'ap-guangzhou';

export function CreateBucketButton({ connection }: { connection: Connection }) {
  const { t } = useTranslation();
  const [key, setKey] = useState(0);
  return (
    <DialogTrigger onOpenChange={(open) => open && setKey((k) => k + 1)}>
      <Button className="link small">
        <Plus className="icon" aria-hidden />
        {t('newBucket.button')}
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog className="dialog bucket-dialog">{({ close }) => <CreateBucketForm key={key} connection={connection} onDone={close} />}</Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}

function CreateBucketForm({ connection, onDone }: { connection: Connection; onDone(): void }) {
  const { t } = useTranslation();
  const model = useModel();
  const regions = useRegions();
  const [name, setName] = useState('');
  const [region, setRegion] = useState(DEFAULT_REGION);
  const [encrypt, setEncrypt] = useState(true);
  const [access, setAccess] = useState<'private' | 'public-read'>('private');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  // Without a known APPID (rare: a connection that has not said it) the whole "<name>-<APPID>" is typed.
  const typedFull = connection.appId === null ? /^(.*)-(\d+)$/.exec(name) : null;
  const appId = connection.appId ?? typedFull?.[2] ?? '';
  const short = connection.appId === null ? (typedFull?.[1] ?? name) : name;
  const fullName = `${short}-${appId}`;
  const problem = bucketNameProblem(short, appId, region);
  const shown = problem === 'empty' ? null : problem;
  const sseOffered = regions.find((r) => r.id === region)?.sseOffered ?? false;
  const encrypted = sseOffered && encrypt;
  const message = shown === 'tooLong' ? t('newBucket.tooLong', { count: maxBucketNameLength(appId, region) }) : shown === 'edges' ? t('newBucket.edges') : t('newBucket.invalid');

  return (
    <Form
      validationBehavior="aria"
      onSubmit={async (e) => {
        e.preventDefault();
        if (problem || busy) return;
        setBusy(true);
        const answer = await model.bridge.api.buckets.create({ connectionId: connection.id, bucket: fullName, region, defaultEncryption: encrypted, access });
        setBusy(false);
        if (!answer.ok) return setError(answer.error);
        await model.connections.getState().loadBuckets(connection.id);
        onDone();
        void model.listing.getState().open({ connectionId: connection.id, bucket: fullName, prefix: '' });
      }}
    >
      <Heading slot="title" className="dialog-title">
        {t('newBucket.title')}
      </Heading>
      <TextField className="field" autoFocus value={name} onChange={(v) => (setName(v.toLowerCase()), setError(null))} isRequired isInvalid={shown !== null}>
        <Label>{t('newBucket.name')}</Label>
        <div className="name-with-suffix">
          <Input className="input" spellCheck={false} />
          {connection.appId && <span className="suffix">-{connection.appId}</span>}
        </div>
        <Text slot="description" className="hint">
          {t('newBucket.nameHint', { count: maxBucketNameLength(appId || '1250000000', region) })}
        </Text>
        <FieldError>{shown ? message : ''}</FieldError>
      </TextField>
      <RegionPicker label={t('newBucket.region')} value={region} onChange={(r) => (setRegion(r), setError(null))} regions={regions} />
      <Checkbox className="checkbox" isSelected={encrypted} isDisabled={!sseOffered} onChange={setEncrypt}>
        <span className="box" aria-hidden />
        {t('newBucket.encrypt')}
      </Checkbox>
      <p className="hint">{sseOffered ? t('newBucket.encryptHint') : t('newBucket.encryptUnavailable', { region })}</p>
      <RadioGroup className="field choice" value={access} onChange={(v) => setAccess(v === 'public-read' ? 'public-read' : 'private')}>
        <Label>{t('newBucket.access')}</Label>
        <Radio value="private">{t('newBucket.private')}</Radio>
        <Radio value="public-read">{t('newBucket.publicRead')}</Radio>
        <Text slot="description" className="hint">
          {access === 'private' ? t('newBucket.privateHint') : t('newBucket.publicReadHint')}
        </Text>
      </RadioGroup>
      {error && <ErrorNotice error={error} />}
      <div className="dialog-actions">
        <Button className="button" onPress={onDone}>
          {t('common.cancel')}
        </Button>
        <Button className="button primary" type="submit" isDisabled={problem !== null} aria-disabled={busy || undefined}>
          {t('newBucket.create')}
        </Button>
      </div>
    </Form>
  );
}
