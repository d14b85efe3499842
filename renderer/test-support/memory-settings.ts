// The memory bridge's answers for shared/contract/channels-settings.ts (see memory-bridge.ts): settings and SSE-C
// keys kept in memory like the core keeps them (the first key "creates" the vault, asking for a passphrase; an
// export in browser mode is an attachment; removing the default's key resets the default to SSE-COS).
import type { Handlers } from '../../shared/contract';
import type { settingsChannels, Settings, SseCKeyView } from '../../shared/contract/channels-settings';
import { SETTINGS_DEFAULTS } from '../../shared/contract/settings-defaults';

export interface MemorySettingsOptions {
  settings?: Partial<Settings>;
  /** The sentence settings.get answers with (a damaged settings.json). */
  problem?: string | null;
  keys?: SseCKeyView[];
  /** The vault's state before any key is added (default: 'absent', needing a passphrase). */
  vault?: 'absent' | 'locked' | 'unlocked';
  /** Objects known to use each key id. */
  usage?: Record<string, { count: number; recent: Array<{ connectionId: string; bucket: string; key: string }> }>;
}

export const KEY_CREATED = '2026-12-01T09:30:00.000Z';

export function sseCKey(name: string, extra: Partial<SseCKeyView> = {}): SseCKeyView {
  return { id: `key-${name}`, name, fingerprint: 'XrY7u+Ae7tCTyyK7j1rNww==', created: KEY_CREATED, ...extra };
}

export function settingsMemoryHandlers(opts: MemorySettingsOptions = {}): Pick<Handlers, keyof typeof settingsChannels> {
  let settings: Settings = { ...SETTINGS_DEFAULTS, ...opts.settings };
  let problem = opts.problem ?? null;
  let keys = [...(opts.keys ?? [])];
  let vault = opts.vault ?? (keys.length ? 'unlocked' : 'absent');
  let made = 0;
  const vaultState = () => ({ state: vault, newVaultNeedsPassphrase: vault === 'absent' });
  const add = (name: string, passphrase: string | undefined): SseCKeyView => {
    if (vault === 'locked') throw new Error('The vault is locked.');
    if (vault === 'absent' && !passphrase) throw new Error('Choose a passphrase for the vault.');
    vault = 'unlocked';
    const key = sseCKey(name, { id: `key-${++made}` });
    keys = [...keys, key];
    return key;
  };
  return {
    'settings.get': () => ({ settings, problem }),
    'settings.update': (r) => {
      settings = { ...settings, ...r.settings };
      problem = null;
      return { settings };
    },
    'ssec.list': () => ({ keys, vault: vaultState() }),
    'ssec.generate': (r) => ({ key: add(r.name, r.vaultPassphrase) }),
    'ssec.import': (r) => ({ key: add(r.name, r.vaultPassphrase) }),
    'ssec.export': (r) => ({ kind: 'attachment', downloadId: `once-${r.id}`, name: `${keys.find((k) => k.id === r.id)?.name ?? 'key'}.key` }),
    'ssec.usage': (r) => ({ ...(opts.usage?.[r.id] ?? { count: 0, recent: [] }), activeJobs: 0 }),
    'ssec.remove': (r) => {
      keys = keys.filter((k) => k.id !== r.id);
      const defaultReset = settings.defaultEncryption.mode === 'sse-c' && settings.defaultEncryption.vaultKeyId === r.id;
      if (defaultReset) settings = { ...settings, defaultEncryption: { mode: 'sse-cos' } };
      return { removed: r.id, defaultReset };
    },
  };
}
