// The encryption the next upload gets: the choice in the options popover, which starts from the default in Settings
// (settings-store.ts sets it when the settings are read or the default changes); "Same as the bucket" (null) follows the
// bucket's default, else SSE-COS. Choosing "No encryption" is confirmed once ("Upload without encryption?"). A bucket
// in a region where the service offers no encryption cannot take an encrypted upload: the window says so before the
// drop, and the first upload to it asks the same question (remembered for that bucket until the window closes).
import { createStore } from 'zustand/vanilla';
import type { Bucket, SseChoice } from '../../shared/contract';

export interface UploadState {
  /** null: follow the bucket's default (SSE-COS when it has none). */
  choice: SseChoice | null;
  setChoice(choice: SseChoice | null): void;
  /** Buckets (connection and name) the user agreed to upload to without encryption, their region offering none. */
  unencryptedAgreed: ReadonlySet<string>;
  agreeUnencrypted(bucketId: string): void;
}

export const bucketId = (connectionId: string, bucket: string) => `${connectionId}\u0000${bucket}`;

export function createUploadStore() {
  return createStore<UploadState>()((set) => ({
    choice: null,
    setChoice: (choice) => set({ choice }),
    unencryptedAgreed: new Set(),
    agreeUnencrypted: (id) => set((s) => ({ unencryptedAgreed: new Set([...s.unencryptedAgreed, id]) })),
  }));
}

export type UploadStore = ReturnType<typeof createUploadStore>;

/**
 * What was chosen for the next upload, and the words for it ('SSE-COS', 'SSE-KMS', 'SSE-C' or 'none'). `notOffered`:
 * encryption was chosen but the bucket's region offers none (the upload can only go unencrypted, once agreed).
 */
export function effectiveSse(choice: SseChoice | null, bucket: Bucket | undefined): { sse: SseChoice; label: 'SSE-COS' | 'SSE-KMS' | 'SSE-C' | 'none'; notOffered: boolean } {
  const sse: SseChoice =
    choice ??
    (bucket?.defaultEncryption && bucket.defaultEncryption !== 'unknown' && bucket.defaultEncryption.mode === 'SSE-KMS'
      ? { mode: 'sse-kms', ...(bucket.defaultEncryption.kmsKeyId ? { keyId: bucket.defaultEncryption.kmsKeyId } : {}) }
      : { mode: 'sse-cos' });
  const label = sse.mode === 'sse-cos' ? 'SSE-COS' : sse.mode === 'sse-kms' ? 'SSE-KMS' : sse.mode === 'sse-c' ? 'SSE-C' : 'none';
  return { sse, label, notOffered: bucket?.sseOffered === false && sse.mode !== 'none' };
}
