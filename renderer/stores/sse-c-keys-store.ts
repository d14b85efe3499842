// The vault's SSE-C keys as the window may know them: id, name, MD5 fingerprint, when added; never the bytes. Read
// when Settings or the upload options open (listing may open the vault), changed through the core, which answers
// the new list. An export is handed to the bridge in browser mode (a one-time attachment the page saves).
import { createStore } from 'zustand/vanilla';
import type { AppError, Envelope, Response } from '../../shared/contract';
import type { SseCKeysVault, SseCKeyView } from '../../shared/contract/channels-settings';
import type { Bridge } from '../bridge/bridge';

export type KeyUsage = Response<'ssec.usage'>;
export type ExportResult = Response<'ssec.export'>;
type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export interface SseCKeysState {
  keys: SseCKeyView[];
  vault: SseCKeysVault | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: AppError | null;
  load(): Promise<void>;
  generate(name: string, vaultPassphrase?: string): Promise<Result<SseCKeyView>>;
  importKey(name: string, text: string, vaultPassphrase?: string): Promise<Result<SseCKeyView>>;
  exportKey(id: string): Promise<Result<ExportResult>>;
  usage(id: string): Promise<Result<KeyUsage>>;
  remove(id: string): Promise<Result<{ defaultReset: boolean }>>;
}

export interface SseCKeysStoreOptions {
  /** The removed key was the default encryption's: the core reset it to SSE-COS. */
  onDefaultReset?(): void;
}

export function createSseCKeysStore(bridge: Bridge, opts: SseCKeysStoreOptions = {}) {
  return createStore<SseCKeysState>()((set, get) => {
    const added = async (answer: Envelope<{ key: SseCKeyView }>): Promise<Result<SseCKeyView>> => {
      if (!answer.ok) return answer;
      await get().load();
      return { ok: true, value: answer.value.key };
    };
    return {
      keys: [],
      vault: null,
      status: 'idle',
      error: null,
      async load() {
        if (get().status === 'idle') set({ status: 'loading' });
        const answer = await bridge.api.ssec.list({});
        if (!answer.ok) return set({ status: 'error', error: answer.error });
        set({ keys: answer.value.keys, vault: answer.value.vault, status: 'ready', error: null });
      },
      generate: async (name, vaultPassphrase) => added(await bridge.api.ssec.generate({ name, ...(vaultPassphrase ? { vaultPassphrase } : {}) })),
      importKey: async (name, key, vaultPassphrase) => added(await bridge.api.ssec.import({ name, key, ...(vaultPassphrase ? { vaultPassphrase } : {}) })),
      async exportKey(id) {
        const answer = await bridge.api.ssec.export({ id });
        if (answer.ok && answer.value.kind === 'attachment') bridge.openAttachment(answer.value.downloadId, answer.value.name);
        return answer;
      },
      usage: (id) => bridge.api.ssec.usage({ id }),
      async remove(id) {
        const answer = await bridge.api.ssec.remove({ id });
        await get().load();
        if (!answer.ok) return answer;
        if (answer.value.defaultReset) opts.onDefaultReset?.();
        return { ok: true, value: { defaultReset: answer.value.defaultReset } };
      },
    };
  });
}

export type SseCKeysStore = ReturnType<typeof createSseCKeysStore>;
