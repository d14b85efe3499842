// settings.json as a user meets it: what is saved is what the next start reads; a damaged or hand-edited file costs
// only what cannot be read (a sentence says which, the defaults apply) and is set aside rather than overwritten; the
// defaults are the upload engine's own.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_UPLOAD_OPTIONS } from '../engine/upload';
import { Settings } from '../../shared/contract/channels-settings';
import { CLI_CHECKS, cliUploadDefaults, readSettings, SETTINGS_DEFAULTS, SettingsService } from './settings';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'coffer-settings-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('settings.json', () => {
  it('starts from the upload engine’s own defaults, with no file written until something changes', async () => {
    expect(SETTINGS_DEFAULTS.partsInFlight).toBe(DEFAULT_UPLOAD_OPTIONS.partConcurrency);
    expect(SETTINGS_DEFAULTS.filesInFlight).toBe(DEFAULT_UPLOAD_OPTIONS.fileConcurrency);
    const service = new SettingsService(home);
    expect(await service.load()).toEqual({ settings: SETTINGS_DEFAULTS, problem: null });
    await expect(stat(join(home, 'settings.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps what was saved for the next start, owner-only', async () => {
    const service = new SettingsService(home);
    await service.update({ defaultEncryption: { mode: 'sse-kms', keyId: 'kms-7' }, partsInFlight: 2 });
    const saved = await service.update({ theme: 'dark', language: 'zh-CN' });
    expect(saved).toEqual({ ...SETTINGS_DEFAULTS, defaultEncryption: { mode: 'sse-kms', keyId: 'kms-7' }, partsInFlight: 2, theme: 'dark', language: 'zh-CN' });
    expect(await new SettingsService(home).load()).toEqual({ settings: saved, problem: null });
    if (process.platform !== 'win32') expect((await stat(join(home, 'settings.json'))).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(join(home, 'settings.json'), 'utf8'))).toEqual(saved);
  });

  it('a damaged file gives a sentence and the defaults, and is set aside (not overwritten) by the next save', async () => {
    await writeFile(join(home, 'settings.json'), '{"partsInFlight": 8, "theme": "da');
    const service = new SettingsService(home);
    const loaded = await service.load();
    expect(loaded.settings).toEqual(SETTINGS_DEFAULTS);
    expect(loaded.problem).toMatch(/settings\.json is damaged .*default settings/);
    await service.update({ theme: 'light' });
    expect(await readFile(join(home, 'settings.json.damaged'), 'utf8')).toBe('{"partsInFlight": 8, "theme": "da');
    expect(await readSettings(home)).toEqual({ settings: { ...SETTINGS_DEFAULTS, theme: 'light' }, problem: null });
  });

  it('a setting that cannot be read falls back alone, and the sentence names it', async () => {
    await writeFile(
      join(home, 'settings.json'),
      JSON.stringify({ partsInFlight: 500, filesInFlight: 8, theme: 'blue', language: 'zh-CN', defaultEncryption: { mode: 'sse-c' }, futureSetting: true }),
    );
    const { settings, problem } = await readSettings(home);
    expect(settings).toEqual({ ...SETTINGS_DEFAULTS, filesInFlight: 8, language: 'zh-CN' });
    expect(problem).toMatch(/Some settings in .*settings\.json could not be read \(defaultEncryption, partsInFlight, theme\); Coffer is using their defaults/);
  });

  it('a file that is not an object, or cannot be opened, is said and never thrown', async () => {
    await writeFile(join(home, 'settings.json'), '[1, 2]');
    expect((await readSettings(home)).problem).toMatch(/damaged/);
    await rm(join(home, 'settings.json'));
    await import('node:fs/promises').then((fs) => fs.mkdir(join(home, 'settings.json')));
    const odd = await readSettings(home);
    expect(odd).toMatchObject({ settings: SETTINGS_DEFAULTS, problem: expect.stringMatching(/could not be read \(EISDIR\); Coffer is using the default settings/) });
  });

  it('refuses to save a value outside the schema, and keeps the old settings', async () => {
    const service = new SettingsService(home);
    await service.update({ partsInFlight: 3 });
    await expect(service.update({ partsInFlight: 0 })).rejects.toThrow();
    expect(service.current().partsInFlight).toBe(3);
    expect((await readSettings(home)).settings.partsInFlight).toBe(3);
  });

  it('gives the command line its upload defaults', async () => {
    expect(await cliUploadDefaults(home)).toEqual({ defaultEncryption: { mode: 'sse-cos' }, tuning: { partConcurrency: 4, fileConcurrency: 32 }, problem: null });
    await new SettingsService(home).update({ defaultEncryption: { mode: 'none' }, partsInFlight: 6, filesInFlight: 3 });
    expect(await cliUploadDefaults(home)).toEqual({ defaultEncryption: { mode: 'none' }, tuning: { partConcurrency: 6, fileConcurrency: 3 }, problem: null });
  });
});

describe("the command line's own checks", () => {
  // The command line checks by hand what it uses (no zod at a `cp`); they must answer as the schema does.
  const candidates: Record<keyof typeof CLI_CHECKS, unknown[]> = {
    defaultEncryption: [
      { mode: 'sse-cos' }, { mode: 'none' }, { mode: 'sse-kms' }, { mode: 'sse-kms', keyId: 'k' }, { mode: 'sse-kms', keyId: '' },
      { mode: 'sse-kms', keyId: 'k'.repeat(200) }, { mode: 'sse-kms', keyId: 'k'.repeat(201) }, { mode: 'sse-kms', keyId: 7 },
      { mode: 'sse-c', vaultKeyId: 'id' }, { mode: 'sse-c' }, { mode: 'sse-c', vaultKeyId: '' }, { mode: 'sse-c', key: 'AAAA', vaultKeyId: 'id' },
      { mode: 'sse-cos', keyId: 'k' }, { mode: 'SSE-COS' }, { mode: 'aes' }, {}, null, 'sse-cos', [], 3,
    ],
    partsInFlight: [1, 4, 64, 0, 65, -1, 2.5, '4', null, Number.NaN, Infinity, [], true],
    filesInFlight: [1, 32, 64, 0, 65, 1e3, '32', null],
  };

  it.each(Object.keys(candidates) as Array<keyof typeof CLI_CHECKS>)('%s: accepts exactly what the schema accepts', (field) => {
    for (const value of candidates[field]) {
      expect(CLI_CHECKS[field](value), `${field}: ${JSON.stringify(value)}`).toBe(Settings.shape[field].safeParse(value).success);
    }
  });

  it('names what it could not read, and keeps the rest', async () => {
    await writeFile(join(home, 'settings.json'), JSON.stringify({ defaultEncryption: { mode: 'sse-kms', keyId: 'k1' }, partsInFlight: 0, filesInFlight: 9 }));
    const got = await cliUploadDefaults(home);
    expect(got).toMatchObject({ defaultEncryption: { mode: 'sse-kms', keyId: 'k1' }, tuning: { partConcurrency: 4, fileConcurrency: 9 } });
    expect(got.problem).toMatch(/settings\.json: partsInFlight could not be read; the default applies/);
    await writeFile(join(home, 'settings.json'), '{');
    expect((await cliUploadDefaults(home)).problem).toMatch(/is damaged \(it is not a settings file\)/);
  });
});
