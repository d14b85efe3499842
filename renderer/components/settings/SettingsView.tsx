// Settings: uploads (default encryption, parts and files in flight), appearance (theme, language), SSE-C keys, and
// Security (the vault's protection, from the accounts area). Each change is saved as it is made; a line read by
// screen readers says so. A settings file Coffer could not read is said once, at the top.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CircleAlert } from 'lucide-react';
import type { AppError } from '../../../shared/contract';
import type { Settings } from '../../../shared/contract/channels-settings';
import { useModel, useSettings } from '../../stores/model-context';
import { VaultProtectionSection } from '../accounts/VaultProtectionSection';
import { ErrorNotice } from '../ErrorNotice';
import { AppearanceSettings } from './AppearanceSettings';
import { SseCKeysSettings } from './SseCKeysSettings';
import { UploadSettings } from './UploadSettings';

/** Saves a change and reports it: the error to show, or "Saved" for a moment. */
export function useSaveSetting() {
  const model = useModel();
  const [error, setError] = useState<AppError | null>(null);
  const [saved, setSaved] = useState(0);
  useEffect(() => {
    if (!saved) return;
    const timer = setTimeout(() => setSaved(0), 2500);
    return () => clearTimeout(timer);
  }, [saved]);
  const save = async (patch: Partial<Settings>) => {
    const failure = await model.settings.getState().update(patch);
    setError(failure);
    setSaved(failure ? 0 : Date.now());
    return failure === null;
  };
  return { save, error, saved: saved !== 0 };
}

export function SettingsView() {
  const { t } = useTranslation();
  const problem = useSettings((s) => s.problem);
  const loadError = useSettings((s) => (s.status === 'error' ? s.error : null));
  const { save, error, saved } = useSaveSetting();
  return (
    <div className="settings-view">
      {problem && (
        <p className="warn-line settings-problem" role="alert">
          <CircleAlert className="icon" aria-hidden />
          {t('settings.problem')}
        </p>
      )}
      {loadError && <ErrorNotice error={loadError} />}
      {error && <ErrorNotice error={error} />}
      <p className="settings-saved" role="status">
        {saved ? t('settings.saved') : ''}
      </p>
      <UploadSettings save={save} />
      <AppearanceSettings save={save} />
      <SseCKeysSettings />
      <VaultProtectionSection />
    </div>
  );
}
