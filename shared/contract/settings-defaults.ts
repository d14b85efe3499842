// The settings a new COFFER_HOME starts with, apart from their zod schema (channels-settings.ts) so that the
// `coffer` command line, which reads settings.json before every upload, loads no zod when there is no file to check.
import type { Settings } from './channels-settings';

/** The upload engine's own defaults (app/engine/upload DEFAULT_UPLOAD_OPTIONS; settings.test.ts keeps them equal). */
export const SETTINGS_DEFAULTS: Settings = {
  defaultEncryption: { mode: 'sse-cos' },
  partsInFlight: 4,
  filesInFlight: 32,
  theme: 'system',
  language: null,
};
