// For contract.test.ts: one valid request and response per channel of channels-settings.ts, and malformed requests
// (beyond the generic ones every channel is tried with) that each channel must refuse.
import type { Request, Response } from '../channels';
import { SETTINGS_DEFAULTS, type settingsChannels } from '../channels-settings';

type Name = keyof typeof settingsChannels;

const key = { id: '3f0c1d2e-8a1b-4c5d-9e0f-112233445566', name: 'family photos', fingerprint: 'XrY7u+Ae7tCTyyK7j1rNww==', created: '2026-12-02T10:04:00.000Z' };
const vault = { state: 'unlocked', newVaultNeedsPassphrase: false } as const;
const HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const BASE64 = 'ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8=';

export const settingsExamples: { [C in Name]: { request: Request<C>; response: Response<C> } } = {
  'settings.get': { request: {}, response: { settings: SETTINGS_DEFAULTS, problem: null } },
  'settings.update': {
    request: { settings: { defaultEncryption: { mode: 'sse-kms', keyId: 'kms-1' }, partsInFlight: 8, language: 'zh-CN' } },
    response: { settings: { ...SETTINGS_DEFAULTS, defaultEncryption: { mode: 'sse-kms', keyId: 'kms-1' }, partsInFlight: 8, language: 'zh-CN' } },
  },
  'ssec.list': { request: {}, response: { keys: [key], vault } },
  'ssec.generate': { request: { name: 'family photos' }, response: { key } },
  'ssec.import': { request: { name: 'from backup', key: BASE64, vaultPassphrase: 'a long passphrase' }, response: { key } },
  'ssec.export': { request: { id: key.id }, response: { kind: 'attachment', downloadId: 'k-1', name: 'family photos.key' } },
  'ssec.usage': { request: { id: key.id }, response: { count: 2, recent: [{ connectionId: 'local', bucket: 'photos-1250000000', key: '2026/a.jpg' }], activeJobs: 0 } },
  'ssec.remove': { request: { id: key.id }, response: { removed: key.id, defaultReset: true } },
};

export const settingsMalformed: Partial<Record<Name, unknown[]>> = {
  'settings.update': [
    { settings: {} },
    { settings: { partsInFlight: 0 } },
    { settings: { filesInFlight: 65 } },
    { settings: { partsInFlight: 2.5 } },
    { settings: { theme: 'blue' } },
    { settings: { language: 'fr' } },
    { settings: { defaultEncryption: { mode: 'sse-c' } } },
    { settings: { defaultEncryption: { mode: 'sse-c', key: HEX } } },
    { settings: { unknown: 1 } },
  ],
  'ssec.generate': [{ name: '' }, { name: '   ' }, { name: 'x'.repeat(65) }, { name: 'tab\there' }, { name: 'k', vaultPassphrase: 'short' }],
  'ssec.import': [
    { name: 'k', key: HEX.slice(2) },
    { name: 'k', key: `${HEX}00` },
    { name: 'k', key: 'ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v9=' },
    { name: 'k', key: 'ABEiM0RVZneImaq7zN3u_wARIjNEVWZ3iJmqu8zd7v8=' },
    { name: 'k', key: 'not a key' },
    { name: 'k' },
  ],
  'ssec.export': [{ id: '' }, { id: 'k', path: '/tmp/k' }],
  'ssec.remove': [{ id: '' }],
};
