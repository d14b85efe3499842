// Every visible string comes from the translation files (resources.ts). The language follows the system on first run
// (navigator.language) and is remembered; issue 14 adds the switch that changes it.
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
