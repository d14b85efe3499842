// The options popover beside Upload: which encryption new uploads get. It starts from the default chosen in
// Settings; "Same as the bucket" follows the bucket (SSE-COS when it has none). SSE-C keys are offered by name.
// Choosing "No encryption" asks "Upload without encryption?" once, here.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChevronDown, Lock, LockOpen } from 'lucide-react';
import { Button, Dialog, DialogTrigger, Label, ListBox, ListBoxItem, Popover, Radio, RadioGroup, Select, SelectValue } from 'react-aria-components';
import type { SseChoice } from '../../shared/contract';
import { findBucket } from '../stores/connections-store';
import { useConnections, useListing, useModel, useSettings, useSseCKeys, useUpload } from '../stores/model-context';
import { effectiveSse } from '../stores/upload-store';
import { ConfirmDialog } from './ConfirmDialog';

type Option = 'default' | 'sse-cos' | 'sse-kms' | 'sse-c' | 'none';

export function EncryptionOptions() {
  const { t } = useTranslation();
  const model = useModel();
  const location = useListing((s) => s.location);
  const bucket = useConnections((s) => (location ? findBucket(s, location.connectionId, location.bucket) : undefined));
  const choice = useUpload((s) => s.choice);
  const [askNone, setAskNone] = useState(false);
  const sseCKeys = useSseCKeys((s) => s.keys);
  const defaultSse = useSettings((s) => s.settings.defaultEncryption);
  const [pickedKey, setPickedKey] = useState<string | null>(null);
  // The key in use (the default from Settings may name one), else the one picked last.
  const sseCKey = choice?.mode === 'sse-c' ? choice.vaultKeyId : pickedKey;
  const current = effectiveSse(choice, bucket);
  const defaultLabel = effectiveSse(null, bucket).label;

  const setChoice = (c: SseChoice | null) => model.upload.getState().setChoice(c);
  const selected: Option = choice === null ? 'default' : choice.mode;

  const onChange = (value: string) => {
    const v = value as Option;
    if (v === 'none') return setAskNone(true);
    if (v === 'default') return setChoice(null);
    if (v === 'sse-cos') return setChoice({ mode: 'sse-cos' });
    // SSE-KMS keeps the key id of a default that names one.
    if (v === 'sse-kms') return setChoice(defaultSse.mode === 'sse-kms' ? defaultSse : { mode: 'sse-kms' });
    const id = sseCKey ?? sseCKeys?.[0]?.id;
    if (id) {
      setPickedKey(id);
      setChoice({ mode: 'sse-c', vaultKeyId: id });
    }
  };

  return (
    <>
      {/* The keys are read when the popover opens: listing them may open the vault. */}
      <DialogTrigger onOpenChange={(open) => open && void model.sseCKeys.getState().load()}>
        <Button
          className="button"
          aria-label={current.notOffered ? t('encryptionOptions.notOffered', { region: bucket?.region }) : t('encryptionOptions.button', { mode: modeWords(t, current.label) })}
        >
          {current.label === 'none' || current.notOffered ? <LockOpen className="icon" aria-hidden /> : <Lock className="icon" aria-hidden />}
          {/* "Encryption: SSE-COS", not a bare "SSE-COS" that a newcomer cannot place. The accessible name starts
              with these same words, so that voice control ("click Encryption") finds it. */}
          {current.notOffered ? t('encryptionOptions.notOfferedText') : current.label === 'none' ? modeWords(t, 'none') : t('encryptionOptions.buttonText', { mode: current.label })}
          <ChevronDown className="icon" aria-hidden />
        </Button>
        <Popover className="popover" placement="bottom end">
          <Dialog className="dialog" aria-label={t('encryptionOptions.title')}>
            <RadioGroup value={selected} onChange={onChange}>
              <Label className="dialog-title">{t('encryptionOptions.title')}</Label>
              <Radio value="default">{t('encryptionOptions.bucketDefault', { mode: modeWords(t, defaultLabel) })}</Radio>
              <Radio value="sse-cos">{t('encryptionOptions.sseCos')}</Radio>
              <Radio value="sse-kms">{t('encryptionOptions.sseKms')}</Radio>
              <Radio value="sse-c" isDisabled={!sseCKeys?.length}>
                {t('encryptionOptions.sseC')}
              </Radio>
              <Radio value="none">{t('encryptionOptions.none')}</Radio>
            </RadioGroup>
            {current.notOffered && <p className="hint">{t('encryptionOptions.notOfferedHint', { region: bucket?.region })}</p>}
            {!sseCKeys?.length && <p className="hint">{t('encryptionOptions.noSseCKeys')}</p>}
            <p className="hint">{t('encryptionOptions.fromSettings')}</p>
            {selected === 'sse-c' && sseCKeys && sseCKeys.length > 0 && (
              <Select
                selectedKey={sseCKey ?? sseCKeys[0]!.id}
                onSelectionChange={(k) => {
                  setPickedKey(String(k));
                  setChoice({ mode: 'sse-c', vaultKeyId: String(k) });
                }}
              >
                <Label>{t('encryptionOptions.sseCKey')}</Label>
                <Button className="button">
                  <SelectValue />
                  <ChevronDown className="icon" aria-hidden />
                </Button>
                <Popover className="popover">
                  <ListBox items={sseCKeys}>{(k) => <ListBoxItem id={k.id}>{k.name}</ListBoxItem>}</ListBox>
                </Popover>
              </Select>
            )}
          </Dialog>
        </Popover>
      </DialogTrigger>
      <ConfirmDialog
        isOpen={askNone}
        title={t('confirmNone.title')}
        body={
          // A bucket that encrypts by default encrypts what arrives unencrypted too: saying "stored unencrypted" would be untrue.
          bucket && bucket.defaultEncryption !== null && bucket.defaultEncryption !== 'unknown'
            ? t('confirmNone.bodyBucketEncrypts', { mode: bucket.defaultEncryption.mode })
            : t('confirmNone.body')
        }
        confirmLabel={t('confirmNone.confirm')}
        cancelLabel={t('confirmNone.cancel')}
        destructive
        onConfirm={() => {
          setAskNone(false);
          setChoice({ mode: 'none' });
        }}
        onCancel={() => setAskNone(false)}
      />
    </>
  );
}

export function modeWords(t: (k: string) => string, label: 'SSE-COS' | 'SSE-KMS' | 'SSE-C' | 'none'): string {
  return label === 'none' ? t('encryptionOptions.noneShort') : label;
}
