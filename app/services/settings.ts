// The user's settings, in COFFER_HOME/settings.json: the default encryption and concurrency of uploads, the theme
// and the language (shared/contract/channels-settings.ts says what each means). The window changes them; the
// `coffer cp` command line reads the ones that mean the same thing there (cliUploadDefaults).
//
// Written whole and atomically (tmp, fsync, rename), owner-only like everything in COFFER_HOME. Read with the
// contract's zod schema, one setting at a time: a damaged or hand-edited file never stops Coffer; what cannot be
// read is said in one sentence and its default applies, and the first save sets the damaged file aside
// (settings.json.damaged) rather than overwrite what the user may want back.
//
// The command line is the exception: loading zod costs a `coffer cp` of a small file more than the upload itself
// (its ~0.6 MB bundle chunk; see bench:cli), so cliUploadDefaults checks the three settings it uses by hand
// (CLI_CHECKS), and settings.test.ts holds those checks to the schema's answers.
import { readFile, rename } from 'node:fs/promises';
import type { Settings } from '../../shared/contract/channels-settings';
import { SETTINGS_DEFAULTS } from '../../shared/contract/settings-defaults';
import { writeFileAtomic } from '../platform/durable-fs';
import { cofferPaths, ensureCofferHome } from '../vault/coffer-home';

export type { Settings };
export { SETTINGS_DEFAULTS };

export interface LoadedSettings {
  settings: Settings;
  /** What could not be read, as a sentence; null when the file was fine or absent. */
  problem: string | null;
}

const FILE_MODE = 0o600;
const FIELDS = Object.keys(SETTINGS_DEFAULTS) as Array<keyof Settings>;

export function settingsPath(home: string): string {
  return cofferPaths(home).settings;
}

/** The settings in `home`, the defaults where there is no file or a setting cannot be read. Never throws on content. */
export async function readSettings(home: string): Promise<LoadedSettings> {
  const path = settingsPath(home);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { settings: { ...SETTINGS_DEFAULTS }, problem: null };
    return { settings: { ...SETTINGS_DEFAULTS }, problem: `${path} could not be read (${code ?? (err as Error).message}); Coffer is using the default settings.` };
  }
  return parseSettings(text, path);
}

/** Checks each setting of the file's text on its own, so one bad value costs only that value. */
export async function parseSettings(text: string, path: string): Promise<LoadedSettings> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { settings: { ...SETTINGS_DEFAULTS }, problem: `${path} is damaged (it is not a settings file); Coffer is using the default settings, and keeps the damaged file as settings.json.damaged when you next change one.` };
  }
  const { Settings: schema } = await import('../../shared/contract/channels-settings');
  const record = doc as Record<string, unknown>;
  const settings = { ...SETTINGS_DEFAULTS } as Record<keyof Settings, unknown>;
  const unreadable: string[] = [];
  for (const field of FIELDS) {
    if (!(field in record)) continue;
    const parsed = schema.shape[field].safeParse(record[field]);
    if (parsed.success) settings[field] = parsed.data;
    else unreadable.push(field);
  }
  const problem = unreadable.length
    ? `${unreadable.length === 1 ? 'A setting' : 'Some settings'} in ${path} could not be read (${unreadable.join(', ')}); Coffer is using ${unreadable.length === 1 ? 'its default' : 'their defaults'} until you change ${unreadable.length === 1 ? 'it' : 'them'} in Settings.`
    : null;
  return { settings: settings as Settings, problem };
}

/** Writes the whole set (checked against the schema first), atomically and owner-only. */
export async function writeSettings(home: string, settings: Settings): Promise<void> {
  const { Settings: schema } = await import('../../shared/contract/channels-settings');
  const checked = schema.parse(settings);
  await ensureCofferHome(home);
  await writeFileAtomic(settingsPath(home), `${JSON.stringify(checked, null, 2)}\n`, FILE_MODE);
}

/** The engine options the concurrency settings stand for. */
export function uploadTuning(settings: Settings): { partConcurrency: number; fileConcurrency: number } {
  return { partConcurrency: settings.partsInFlight, fileConcurrency: settings.filesInFlight };
}

/**
 * The settings of one long-running front end (the app, the browser host): read once, kept in memory, changed only
 * through update(), which writes before it answers. Uploads read them when they start.
 */
export class SettingsService {
  private loaded?: Promise<LoadedSettings>;
  private value: LoadedSettings = { settings: { ...SETTINGS_DEFAULTS }, problem: null };
  private writes: Promise<unknown> = Promise.resolve();

  constructor(readonly home: string) {}

  /** The settings as last read or saved (the defaults until load() has run). */
  current(): Settings {
    return this.value.settings;
  }

  load(): Promise<LoadedSettings> {
    this.loaded ??= readSettings(this.home).then((v) => (this.value = v));
    return this.loaded;
  }

  /** Applies `patch` to the current settings, saves them, and answers the whole set. Changes are saved in order. */
  update(patch: Partial<Settings>): Promise<Settings> {
    const run = this.writes.then(async () => {
      const { problem, settings } = await this.load();
      const next = { ...settings, ...patch };
      // The file could not be read as a whole: keep it beside, rather than overwrite what the user may want back.
      if (problem !== null) await rename(settingsPath(this.home), `${settingsPath(this.home)}.damaged`).catch(() => undefined);
      await writeSettings(this.home, next);
      this.value = { settings: next, problem: null };
      this.loaded = Promise.resolve(this.value);
      return next;
    });
    this.writes = run.catch(() => undefined);
    return run;
  }
}

type Check = (value: unknown) => boolean;
const inFlight: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= 64;
const id: Check = (v) => typeof v === 'string' && v.length >= 1 && v.length <= 200;
const onlyKeys = (v: object, keys: string[]) => Object.keys(v).every((k) => keys.includes(k));
const sseChoice: Check = (v) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const c = v as { mode?: unknown; keyId?: unknown; vaultKeyId?: unknown };
  switch (c.mode) {
    case 'sse-cos':
    case 'none':
      return onlyKeys(c, ['mode']);
    case 'sse-kms':
      return onlyKeys(c, ['mode', 'keyId']) && (c.keyId === undefined || id(c.keyId));
    case 'sse-c':
      return onlyKeys(c, ['mode', 'vaultKeyId']) && id(c.vaultKeyId);
    default:
      return false;
  }
};

/** The settings the command line uses, checked as the contract's schema checks them (settings.test.ts). */
export const CLI_CHECKS = { defaultEncryption: sseChoice, partsInFlight: inFlight, filesInFlight: inFlight } satisfies Partial<Record<keyof Settings, Check>>;

/** What `coffer cp` takes from the settings when no flag says otherwise. */
export interface CliUploadDefaults {
  defaultEncryption: Settings['defaultEncryption'];
  tuning: { partConcurrency: number; fileConcurrency: number };
  /** A sentence for standard error when settings.json could not be read. */
  problem: string | null;
}

export async function cliUploadDefaults(home: string): Promise<CliUploadDefaults> {
  const path = settingsPath(home);
  const fallback = (problem: string | null): CliUploadDefaults => ({ defaultEncryption: SETTINGS_DEFAULTS.defaultEncryption, tuning: uploadTuning(SETTINGS_DEFAULTS), problem });
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return fallback(null);
    return fallback(code ? `${path} could not be read (${code}); Coffer is using the default settings.` : `${path} is damaged (it is not a settings file); Coffer is using the default settings.`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return fallback(`${path} is damaged (it is not a settings file); Coffer is using the default settings.`);
  const record = doc as Record<string, unknown>;
  const settings = { ...SETTINGS_DEFAULTS };
  const unreadable: string[] = [];
  for (const [field, check] of Object.entries(CLI_CHECKS) as Array<[keyof typeof CLI_CHECKS, Check]>) {
    if (!(field in record)) continue;
    if (check(record[field])) Object.assign(settings, { [field]: record[field] });
    else unreadable.push(field);
  }
  const problem = unreadable.length ? `${path}: ${unreadable.join(', ')} could not be read; the default applies until it is changed in Coffer's Settings.` : null;
  return { defaultEncryption: settings.defaultEncryption, tuning: uploadTuning(settings), problem };
}
