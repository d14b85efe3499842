// Settings → Uploads: the encryption new uploads get unless chosen otherwise for one (SSE-COS, SSE-KMS with an
// optional key id, SSE-C with a key of the vault, or none, which asks once), and how many parts and files go at
// once. They apply to the next upload, here and with the command line's `cp`.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChevronDown, Minus, Plus } from 'lucide-react';
import { Button, Group, Input, Label, ListBox, ListBoxItem, NumberField, Popover, Radio, RadioGroup, Select, SelectValue, Text, TextField } from 'react-aria-components';
import type { SseChoice } from '../../../shared/contract';
import type { Settings } from '../../../shared/contract/channels-settings';
import { useSettings, useSseCKeys } from '../../stores/model-context';
import { ConfirmDialog } from '../ConfirmDialog';

type Save = (patch: Partial<Settings>) => Promise<boolean>;
type Mode = SseChoice['mode'];

export function UploadSettings({ save }: { save: Save }) {
  const { t } = useTranslation();
  const settings = useSettings((s) => s.settings);
  const keys = useSseCKeys((s) => s.keys);
  const [askNone, setAskNone] = useState(false);
  const enc = settings.defaultEncryption;
  const [kmsKeyId, setKmsKeyId] = useState(enc.mode === 'sse-kms' ? (enc.keyId ?? '') : '');
  useEffect(() => setKmsKeyId(enc.mode === 'sse-kms' ? (enc.keyId ?? '') : ''), [enc]);

  const choose = (mode: Mode) => {
    if (mode === 'none') return setAskNone(true);
    if (mode === 'sse-cos') return void save({ defaultEncryption: { mode } });
    if (mode === 'sse-kms') return void save({ defaultEncryption: kmsKeyId.trim() ? { mode, keyId: kmsKeyId.trim() } : { mode } });
    const key = keys[0];
    if (key) void save({ defaultEncryption: { mode, vaultKeyId: key.id } });
  };
  const commitKmsKey = () => {
    const keyId = kmsKeyId.trim();
    if (enc.mode !== 'sse-kms' || (enc.keyId ?? '') === keyId) return;
    void save({ defaultEncryption: keyId ? { mode: 'sse-kms', keyId } : { mode: 'sse-kms' } });
  };

  return (
    <section className="settings-section" aria-labelledby="settings-uploads">
      <h2 id="settings-uploads">{t('settings.uploads.title')}</h2>
      <RadioGroup className="choice" value={enc.mode} onChange={(v) => choose(v as Mode)}>
        <Label>{t('settings.uploads.encryption')}</Label>
        <Radio value="sse-cos">{t('encryptionOptions.sseCos')}</Radio>
        <Radio value="sse-kms">{t('encryptionOptions.sseKms')}</Radio>
        <Radio value="sse-c" isDisabled={keys.length === 0}>
          {t('encryptionOptions.sseC')}
        </Radio>
        <Radio value="none">{t('encryptionOptions.none')}</Radio>
        {keys.length === 0 && <Text slot="description" className="hint">{t('settings.uploads.sseCNeedsKey')}</Text>}
      </RadioGroup>

      {enc.mode === 'sse-kms' && (
        <TextField className="field" value={kmsKeyId} onChange={setKmsKeyId} onBlur={commitKmsKey} onKeyDown={(e) => (e.key === 'Enter' ? commitKmsKey() : e.continuePropagation())} maxLength={200}>
          <Label>{t('settings.uploads.kmsKeyId')}</Label>
          <Input className="input mono" spellCheck={false} />
          <Text slot="description" className="hint">
            {t('settings.uploads.kmsKeyIdHint')}
          </Text>
        </TextField>
      )}

      {enc.mode === 'sse-c' && keys.length > 0 && (
        <Select className="field" selectedKey={enc.vaultKeyId} onSelectionChange={(k) => void save({ defaultEncryption: { mode: 'sse-c', vaultKeyId: String(k) } })}>
          <Label>{t('settings.uploads.sseCKey')}</Label>
          <Button className="button select-button">
            <SelectValue />
            <ChevronDown className="icon" aria-hidden />
          </Button>
          <Popover className="popover">
            <ListBox className="menu" items={keys}>
              {(k) => (
                <ListBoxItem id={k.id} className="menu-item" textValue={k.name}>
                  {k.name}
                </ListBoxItem>
              )}
            </ListBox>
          </Popover>
        </Select>
      )}

      <div className="settings-numbers">
        <InFlightField label={t('settings.uploads.partsInFlight')} hint={t('settings.uploads.partsInFlightHint')} value={settings.partsInFlight} onCommit={(n) => save({ partsInFlight: n })} />
        <InFlightField label={t('settings.uploads.filesInFlight')} hint={t('settings.uploads.filesInFlightHint')} value={settings.filesInFlight} onCommit={(n) => save({ filesInFlight: n })} />
      </div>
      <p className="hint">{t('settings.uploads.appliesNext')}</p>

      <ConfirmDialog
        isOpen={askNone}
        title={t('settings.uploads.confirmNone.title')}
        body={t('settings.uploads.confirmNone.body')}
        confirmLabel={t('settings.uploads.confirmNone.confirm')}
        cancelLabel={t('confirmNone.cancel')}
        destructive
        onConfirm={() => {
          setAskNone(false);
          void save({ defaultEncryption: { mode: 'none' } });
        }}
        onCancel={() => setAskNone(false)}
      />
    </section>
  );
}

/**
 * A whole number from 1 to 64; saved when it is committed (Enter, leaving the field, the steppers, whose names
 * react-aria gives in the window's language: see LocaleProvider).
 */
function InFlightField({ label, hint, value, onCommit }: { label: string; hint: string; value: number; onCommit(n: number): Promise<boolean> }) {
  return (
    <NumberField
      className="field number-field"
      value={value}
      minValue={1}
      maxValue={64}
      step={1}
      formatOptions={{ maximumFractionDigits: 0 }}
      onChange={(n) => {
        if (Number.isInteger(n) && n !== value) void onCommit(n);
      }}
    >
      <Label>{label}</Label>
      <Group className="number-group">
        <Button slot="decrement" className="button quiet">
          <Minus className="icon" aria-hidden />
        </Button>
        <Input className="input number-input" />
        <Button slot="increment" className="button quiet">
          <Plus className="icon" aria-hidden />
        </Button>
      </Group>
      <Text slot="description" className="hint">
        {hint}
      </Text>
    </NumberField>
  );
}
