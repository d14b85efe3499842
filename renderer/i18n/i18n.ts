// Every visible string comes from the translation files (resources.ts). The language follows the system on first run
// (navigator.language) and is remembered; Settings changes it without a restart (applyLanguage): every component
// that translates re-renders, and sizes, dates and numbers follow because they are formatted with i18n.language
// (lib/format.ts). The choice is kept in COFFER_HOME/settings.json too, since browser mode's address, and so its
// localStorage, changes with each start; localStorage only lets the first frame start in the right language.
import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { translations } from './resources';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_STORAGE_KEY = 'coffer.language';

export function pickLanguage(stored: string | null, navigatorLanguage: string | undefined): Language {
  if (stored && (LANGUAGES as readonly string[]).includes(stored)) return stored as Language;
  return navigatorLanguage?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export async function createI18n(language: Language): Promise<i18n> {
  const instance = i18next.createInstance();
  await instance.use(initReactI18next).init({
    resources: { en: { translation: translations.en }, 'zh-CN': { translation: translations['zh-CN'] } },
    lng: language,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}

/**
 * Switches the window to `language` now: strings, the page's lang and title; remembered in `storage` for the next
 * start. Resolves once the new strings are in place.
 */
export async function applyLanguage(instance: i18n, language: Language, storage: Pick<Storage, 'setItem'> | null, doc: Document = document): Promise<void> {
  if (instance.language !== language) await instance.changeLanguage(language);
  doc.documentElement.lang = language;
  doc.title = instance.t('app.title');
  try {
    storage?.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Not remembered here; settings.json still holds it.
  }
}

/** The language to start in: remembered, else the system's (saved so later runs keep it). */
export function startLanguage(storage: Pick<Storage, 'getItem' | 'setItem'> | null, navigatorLanguage: string | undefined): Language {
  const language = pickLanguage(storage?.getItem(LANGUAGE_STORAGE_KEY) ?? null, navigatorLanguage);
  try {
    storage?.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Storage may be unavailable (private mode); following the system each time is fine.
  }
  return language;
}
