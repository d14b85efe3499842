// Settings → Appearance: the theme (as the system has it, light or dark) and the language (English or 简体中文),
// both applied at once by ApplySettings. Each language is named in its own words, as language pickers do, so a
// user who cannot read the current one still finds theirs.
import { useTranslation } from 'react-i18next';
import { Label, Radio, RadioGroup } from 'react-aria-components';
import type { Settings, Theme, UiLanguage } from '../../../shared/contract/channels-settings';
import { useSettings } from '../../stores/model-context';

/** Autonyms: the same in every language, so not in the translation files. */
export const LANGUAGE_NAMES: Record<UiLanguage, string> = { en: 'English', 'zh-CN': '简体中文' };

export function AppearanceSettings({ save }: { save(patch: Partial<Settings>): Promise<boolean> }) {
  const { t, i18n } = useTranslation();
  const theme = useSettings((s) => s.settings.theme);
  const language = useSettings((s) => s.settings.language) ?? (i18n.language as UiLanguage);
  return (
    <section className="settings-section" aria-labelledby="settings-appearance">
      <h2 id="settings-appearance">{t('settings.appearance.title')}</h2>
      <RadioGroup className="choice" orientation="horizontal" value={theme} onChange={(v) => void save({ theme: v as Theme })}>
        <Label>{t('settings.appearance.theme')}</Label>
        <Radio value="system">{t('settings.appearance.system')}</Radio>
        <Radio value="light">{t('settings.appearance.light')}</Radio>
        <Radio value="dark">{t('settings.appearance.dark')}</Radio>
      </RadioGroup>
      <RadioGroup className="choice" orientation="horizontal" value={language} onChange={(v) => void save({ language: v as UiLanguage })}>
        <Label>{t('settings.appearance.language')}</Label>
        {(Object.keys(LANGUAGE_NAMES) as UiLanguage[]).map((l) => (
          <Radio key={l} value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </Radio>
        ))}
      </RadioGroup>
    </section>
  );
}
