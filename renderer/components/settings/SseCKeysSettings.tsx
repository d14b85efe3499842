// Settings → SSE-C keys: the vault's customer keys by name and fingerprint (never the key), with Generate and
// Import (which create the vault if there is none yet), Export and Remove, each explained before it happens.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Download, KeyRound, Plus, Trash2, Upload } from 'lucide-react';
import { Button } from 'react-aria-components';
import type { SseCKeyView } from '../../../shared/contract/channels-settings';
import { formatDate } from '../../lib/format';
import { useSseCKeys } from '../../stores/model-context';
import { ErrorNotice } from '../ErrorNotice';
import { AddKeyDialog } from './AddKeyDialog';
import { ExportKeyDialog, RemoveKeyDialog } from './KeyActionDialogs';

type Open = { kind: 'generate' | 'import' } | { kind: 'export' | 'remove'; key: SseCKeyView } | null;

export function SseCKeysSettings() {
  const { t, i18n } = useTranslation();
  const keys = useSseCKeys((s) => s.keys);
  const vault = useSseCKeys((s) => s.vault);
  const status = useSseCKeys((s) => s.status);
  const error = useSseCKeys((s) => s.error);
  const [open, setOpen] = useState<Open>(null);
  const locked = vault?.state === 'locked';

  return (
    <section className="settings-section sse-c-keys" aria-labelledby="settings-sse-c-keys">
      <h2 id="settings-sse-c-keys">{t('sseCKeys.title')}</h2>
      <p className="hint">{t('sseCKeys.intro')}</p>
      {status === 'error' && error && <ErrorNotice error={error} />}
      {locked && <p className="warn-line">{t('sseCKeys.locked')}</p>}
      {status === 'ready' && !locked && keys.length === 0 && <p>{t('sseCKeys.none')}</p>}
      {keys.length > 0 && (
        <ul className="key-list" aria-label={t('sseCKeys.listLabel')}>
          {keys.map((k) => (
            <li key={k.id} className="key-row">
              <KeyRound className="icon" aria-hidden />
              <div className="key-facts">
                <span className="key-name">{k.name}</span>
                <span className="hint">
                  {t('sseCKeys.fingerprint')} <span className="mono">{k.fingerprint}</span> · {t('sseCKeys.added', { date: formatDate(k.created, i18n.language) })}
                </span>
              </div>
              <Button className="button" aria-label={t('sseCKeys.exportNamed', { name: k.name })} onPress={() => setOpen({ kind: 'export', key: k })}>
                <Download className="icon" aria-hidden />
                {t('sseCKeys.export')}
              </Button>
              <Button className="button" aria-label={t('sseCKeys.removeNamed', { name: k.name })} onPress={() => setOpen({ kind: 'remove', key: k })}>
                <Trash2 className="icon" aria-hidden />
                {t('sseCKeys.remove')}
              </Button>
            </li>
          ))}
        </ul>
      )}
      <div className="settings-actions">
        <Button className="button" isDisabled={locked} onPress={() => setOpen({ kind: 'generate' })}>
          <Plus className="icon" aria-hidden />
          {t('sseCKeys.generate')}
        </Button>
        <Button className="button" isDisabled={locked} onPress={() => setOpen({ kind: 'import' })}>
          <Upload className="icon" aria-hidden />
          {t('sseCKeys.import')}
        </Button>
      </div>
      {(open?.kind === 'generate' || open?.kind === 'import') && (
        <AddKeyDialog
          mode={open.kind}
          onClose={() => setOpen(null)}
          onExport={(key) => setOpen({ kind: 'export', key })}
        />
      )}
      {open?.kind === 'export' && <ExportKeyDialog keyView={open.key} onClose={() => setOpen(null)} />}
      {open?.kind === 'remove' && <RemoveKeyDialog keyView={open.key} onClose={() => setOpen(null)} />}
    </section>
  );
}
