// react-aria's own words (a number field's "Increase", a dialog's "Dismiss", a search field's "Clear search") and
// its number formats follow the window's language, not the browser's: they change with it in Settings.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { I18nProvider } from 'react-aria-components';

export function LocaleProvider({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  return <I18nProvider locale={i18n.language}>{children}</I18nProvider>;
}
