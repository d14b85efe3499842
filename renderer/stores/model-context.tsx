// Gives components the AppModel and small selector hooks over its stores.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { AppModel } from './app-model';
import type { ConnectionsState } from './connections-store';
import type { ListingState } from './listing-store';
import type { SettingsState } from './settings-store';
import type { ShellState } from './shell-store';
import type { SseCKeysState } from './sse-c-keys-store';
import type { StatusesState } from './statuses-store';
import type { TransfersState } from './transfers-store';
import type { UploadState } from './upload-store';

const ModelContext = createContext<AppModel | null>(null);

export function ModelProvider({ model, children }: { model: AppModel; children: ReactNode }) {
  return <ModelContext.Provider value={model}>{children}</ModelContext.Provider>;
}

export function useModel(): AppModel {
  const model = useContext(ModelContext);
  if (!model) throw new Error('useModel outside ModelProvider');
  return model;
}

export const useConnections = <T,>(select: (s: ConnectionsState) => T) => useStore(useModel().connections, select);
export const useListing = <T,>(select: (s: ListingState) => T) => useStore(useModel().listing, select);
export const useStatuses = <T,>(select: (s: StatusesState) => T) => useStore(useModel().statuses, select);
export const useTransfers = <T,>(select: (s: TransfersState) => T) => useStore(useModel().transfers, select);
export const useUpload = <T,>(select: (s: UploadState) => T) => useStore(useModel().upload, select);
export const useShell = <T,>(select: (s: ShellState) => T) => useStore(useModel().shell, select);
export const useSettings = <T,>(select: (s: SettingsState) => T) => useStore(useModel().settings, select);
export const useSseCKeys = <T,>(select: (s: SseCKeysState) => T) => useStore(useModel().sseCKeys, select);
