// A read-only address with a Copy button (share links, public addresses). Where the clipboard cannot be written (an
// insecure context, a denied permission) the address is selected instead, with a sentence saying to copy it.
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Check, Copy } from 'lucide-react';
import { Button } from 'react-aria-components';

export function CopyField({ value, label }: { value: string; label: string }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      input.current?.select();
      setCopied('failed');
    }
  };
  return (
    <div className="copy-field">
      <input ref={input} className="input" readOnly value={value} aria-label={label} onFocus={(e) => e.currentTarget.select()} />
      <Button className="button" onPress={() => void copy()}>
        {copied === 'yes' ? <Check className="icon" aria-hidden /> : <Copy className="icon" aria-hidden />}
        {copied === 'yes' ? t('details.copied') : t('details.copy')}
      </Button>
      {copied === 'failed' && <p className="hint" role="status">{t('details.copyFailed')}</p>}
    </div>
  );
}
