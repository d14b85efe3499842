// Applies the appearance settings to the whole window as soon as they are read or changed, without a restart:
// the theme (html[data-theme], which app.css's colours follow; none for "system") and the language (applyLanguage:
// every string, and the sizes, dates and numbers formatted for it).
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { applyLanguage } from '../../i18n/i18n';
import { useSettings } from '../../stores/model-context';

export function ApplySettings({ storage }: { storage: Pick<Storage, 'setItem'> | null }) {
  const { i18n } = useTranslation();
  const theme = useSettings((s) => s.settings.theme);
  const language = useSettings((s) => s.settings.language);

  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }, [theme]);

  useEffect(() => {
    // null: never chosen, so the language the window started in (the system's) stays.
    if (language) void applyLanguage(i18n, language, storage);
  }, [i18n, language, storage]);

  return null;
}
