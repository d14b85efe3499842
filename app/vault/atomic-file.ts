// Owner-only (0600) crash-safe writes for the vault: the shared tmp → fsync → rename → directory fsync of
// app/platform/durable-fs.ts, with the vault's file mode.
import { writeFileAtomic as writeDurably } from '../platform/durable-fs';

export const OWNER_ONLY_FILE = 0o600;

export function writeFileAtomic(path: string, data: string | Buffer, mode = OWNER_ONLY_FILE): Promise<void> {
  return writeDurably(path, data, mode);
}
