// Every visible string comes from en.json or zh-CN.json. The language follows the system on first run
// (navigator.language) and is remembered; issue 14 adds the switch that changes it.
import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import zhCN from './zh-CN.json';

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
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
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
