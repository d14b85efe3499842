// The app shell's own state: whether the vault must be unlocked first ("Unlock Coffer") and whether the
// embedded store (or, in browser mode, the background service) stopped.
import { createStore } from 'zustand/vanilla';
import type { AppError, EventOf, VaultStatus } from '../../shared/contract';
import type { Bridge } from '../bridge/bridge';

export interface ShellState {
  vault: VaultStatus | null;
  storeError: AppError | null;
  loadVault(): Promise<void>;
  /** Returns the error to show under the passphrase field, or null once unlocked. */
  unlock(passphrase: string): Promise<AppError | null>;
  onEvent(event: EventOf<'store.state'> | EventOf<'vault.state'>): void;
}

export function createShellStore(bridge: Bridge) {
  return createStore<ShellState>()((set) => ({
    vault: null,
    storeError: null,
    async loadVault() {
      const answer = await bridge.api.vault.status({});
      // The vault matters only once a COS account exists; if its status cannot be read, browsing goes on.
      set({ vault: answer.ok ? answer.value : { state: 'absent', protector: null } });
    },
    async unlock(passphrase) {
      const answer = await bridge.api.vault.unlock({ passphrase });
      if (!answer.ok) return answer.error;
      set({ vault: answer.value });
      return null;
    },
    onEvent(event) {
      if (event.type === 'store.state') set({ storeError: event.running ? null : (event.error ?? null) });
      else set((s) => ({ vault: { state: event.state, protector: s.vault?.protector ?? null } }));
    },
  }));
}

export type ShellStore = ReturnType<typeof createShellStore>;
