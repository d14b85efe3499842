// The details area's own state, one store per window (per AppModel): whether the pane is shown, the dialog open now
// (rename, move, a conflict question), the right-click menu, and the last error of an action started from here.
// The selection itself stays in the listing store, which the table and the toolbar share.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { AppError } from '../../../shared/contract';
import type { ConflictChoice, MoveSpec } from '../../../shared/contract/channels-details';
import type { AppModel } from '../../stores/app-model';
import { useModel } from '../../stores/model-context';

export type DetailsDialog =
  | { kind: 'rename'; key: string }
  | { kind: 'move'; keys: string[] }
  /** Some of `moves` (or of an upload's files, `upload`) land on names that exist: replace, keep both, skip or cancel. */
  | { kind: 'conflict'; moves: MoveSpec[]; names: string[]; count: number; single: boolean; upload?: boolean; resolve(choice: ConflictChoice | null): void }
  /** An upload to a bucket whose region offers no encryption: go on unencrypted, or not. */
  | { kind: 'unencrypted'; region: string; resolve(agreed: boolean): void };

export interface ContextMenuState {
  x: number;
  y: number;
  keys: string[];
  /** Where focus goes back when the menu closes (the row). */
  returnFocus: HTMLElement | null;
}

export interface DetailsState {
  paneOpen: boolean;
  dialog: DetailsDialog | null;
  menu: ContextMenuState | null;
  error: AppError | null;
  /** Bumped to ask the pane to show its share section (from the menu's "Share link…"). */
  shareRequest: number;
  setPaneOpen(open: boolean): void;
  openDialog(dialog: DetailsDialog | null): void;
  openMenu(menu: ContextMenuState | null): void;
  setError(error: AppError | null): void;
  requestShare(): void;
}

function createDetailsStore() {
  return createStore<DetailsState>()((set) => ({
    paneOpen: true,
    dialog: null,
    menu: null,
    error: null,
    shareRequest: 0,
    setPaneOpen: (paneOpen) => set({ paneOpen }),
    openDialog: (dialog) => set({ dialog }),
    openMenu: (menu) => set({ menu }),
    setError: (error) => set({ error }),
    requestShare: () => set((s) => ({ paneOpen: true, shareRequest: s.shareRequest + 1 })),
  }));
}

const stores = new WeakMap<AppModel, StoreApi<DetailsState>>();

export function detailsStore(model: AppModel): StoreApi<DetailsState> {
  let s = stores.get(model);
  if (!s) stores.set(model, (s = createDetailsStore()));
  return s;
}

export const useDetails = <T,>(select: (s: DetailsState) => T) => useStore(detailsStore(useModel()), select);

/** 'a/b/report.pdf' → 'report.pdf'; 'a/b/' → 'b'. */
export const nameOfKey = (key: string) => key.replace(/\/$/, '').split('/').pop() ?? key;
/** 'a/b/report.pdf' → 'a/b/'; 'a/b/' → 'a/'. */
export const parentOfKey = (key: string) => {
  const k = key.replace(/\/$/, '');
  return k.slice(0, k.lastIndexOf('/') + 1);
};
