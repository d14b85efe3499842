// The encryption the next upload gets: the choice in the options popover, which starts from the default in Settings
// (settings-store.ts sets it when the settings are read or the default changes); "Same as the bucket" (null) follows the
// bucket's default, else SSE-COS. Choosing "No encryption" is confirmed once ("Upload without encryption?").
import { createStore } from 'zustand/vanilla';
import type { Bucket, SseChoice } from '../../shared/contract';

export interface UploadState {
  /** null: follow the bucket's default (SSE-COS when it has none). */
  choice: SseChoice | null;
  setChoice(choice: SseChoice | null): void;
}

export function createUploadStore() {
  return createStore<UploadState>()((set) => ({
    choice: null,
    setChoice: (choice) => set({ choice }),
  }));
}

export type UploadStore = ReturnType<typeof createUploadStore>;

/** What will really apply, and the words for it ('SSE-COS', 'SSE-KMS', 'SSE-C' or 'none'). */
export function effectiveSse(choice: SseChoice | null, bucket: Bucket | undefined): { sse: SseChoice; label: 'SSE-COS' | 'SSE-KMS' | 'SSE-C' | 'none' } {
  const sse: SseChoice =
    choice ??
    (bucket?.defaultEncryption && bucket.defaultEncryption !== 'unknown' && bucket.defaultEncryption.mode === 'SSE-KMS'
      ? { mode: 'sse-kms', ...(bucket.defaultEncryption.kmsKeyId ? { keyId: bucket.defaultEncryption.kmsKeyId } : {}) }
      : { mode: 'sse-cos' });
  const label = sse.mode === 'sse-cos' ? 'SSE-COS' : sse.mode === 'sse-kms' ? 'SSE-KMS' : sse.mode === 'sse-c' ? 'SSE-C' : 'none';
  return { sse, label };
}
