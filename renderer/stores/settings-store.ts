// The user's settings as the window holds them (the core keeps them in COFFER_HOME/settings.json): the default
// encryption and concurrency of uploads, the theme and the language. A change shows at once and is saved; if the
// core refuses it, the previous value comes back with the reason. The default encryption becomes the upload
// choice (upload-store.ts) when it is read or changed, so it applies to the next upload; the core reads the
// concurrency when an upload job starts.
import { createStore } from 'zustand/vanilla';
import type { AppError } from '../../shared/contract';
import type { Settings } from '../../shared/contract/channels-settings';
import { SETTINGS_DEFAULTS } from '../../shared/contract/settings-defaults';
import type { Bridge } from '../bridge/bridge';

export interface SettingsState {
  settings: Settings;
  /** The core could not read settings.json (a sentence; the defaults apply). */
  problem: string | null;
  /** 'loading' until the core's answer arrives: until then the defaults apply. */
  status: 'loading' | 'ready' | 'error';
  error: AppError | null;
  load(): Promise<void>;
  /** Saves `patch`; answers the error (and restores what was there) when it could not be saved. */
  update(patch: Partial<Settings>): Promise<AppError | null>;
  /**
   * The settings changed (in this window or another, or a tab): read them again, unless a change of this window is
   * still on its way (its own answer brings the settings, and an earlier read would undo it for a moment).
   */
  changedElsewhere(): Promise<void>;
}

export interface SettingsStoreOptions {
  /** The default encryption was read or changed: the next upload starts from it (over an earlier one-off choice). */
  onDefaultEncryption?(choice: Settings['defaultEncryption']): void;
}

export function createSettingsStore(bridge: Bridge, opts: SettingsStoreOptions = {}) {
  let saving = 0;
  return createStore<SettingsState>()((set, get) => ({
    settings: SETTINGS_DEFAULTS,
    problem: null,
    status: 'loading',
    error: null,
    async load() {
      const answer = await bridge.api.settings.get({});
      if (!answer.ok) return set({ status: 'error', error: answer.error });
      set({ settings: answer.value.settings, problem: answer.value.problem, status: 'ready', error: null });
      opts.onDefaultEncryption?.(answer.value.settings.defaultEncryption);
    },
    async update(patch) {
      const before = get().settings;
      set({ settings: { ...before, ...patch } });
      saving++;
      const answer = await bridge.api.settings.update({ settings: patch }).finally(() => saving--);
      if (!answer.ok) {
        // Only the fields of this change go back: a later change may already have landed.
        set((s) => ({ settings: { ...s.settings, ...pick(before, Object.keys(patch) as Array<keyof Settings>) }, error: answer.error }));
        return answer.error;
      }
      set({ settings: answer.value.settings, problem: null, error: null });
      if (patch.defaultEncryption) opts.onDefaultEncryption?.(answer.value.settings.defaultEncryption);
      return null;
    },
    async changedElsewhere() {
      if (saving === 0) await get().load();
    },
  }));
}

function pick(settings: Settings, keys: Array<keyof Settings>): Partial<Settings> {
  return Object.fromEntries(keys.map((k) => [k, settings[k]])) as Partial<Settings>;
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
