// The resume journal: one JSON file per multipart upload in progress, so an upload interrupted by a crash, a
// quit or a lost network continues where it stopped instead of starting over. A journal names the upload
// (bucket, key, uploadId, part size), the file it reads (absolute path, size, mtime: if any differs the file
// changed and the parts on the server are stale), the encryption asked for, and every part the server
// acknowledged with its ETag and CRC64. It never holds a secret: for SSE-C only the key's MD5 fingerprint is
// kept, so resuming needs the same key from the vault. Writes go to a temp file and are renamed into place, so
// a crash mid-write leaves the previous journal intact.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const PartRecord = z.object({ etag: z.string(), crc64: z.string().regex(/^\d+$/), size: z.number().int().nonnegative() });

const EncryptionRecord = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('SSE-COS') }),
  z.object({ mode: z.literal('SSE-KMS'), keyId: z.string().optional() }),
  z.object({ mode: z.literal('SSE-C'), keyMd5: z.string() }),
  z.object({ mode: z.literal('none') }),
]);

export const UploadJournalSchema = z.object({
  version: z.literal(1),
  bucket: z.string(),
  key: z.string(),
  uploadId: z.string().min(1),
  partSize: z.number().int().positive(),
  file: z.object({ path: z.string(), size: z.number().int().nonnegative(), mtimeMs: z.number() }),
  encryption: EncryptionRecord,
  /** Part number (as a string, JSON keys) → what the server acknowledged. */
  parts: z.record(z.string(), PartRecord),
  createdAt: z.string(),
});

export type UploadJournal = z.infer<typeof UploadJournalSchema>;
export type JournalEncryption = z.infer<typeof EncryptionRecord>;
export type JournalPart = z.infer<typeof PartRecord>;

/** The journal's file name for one (bucket, key, file): a hash, so keys and paths need no escaping. */
export function journalId(bucket: string, key: string, absPath: string): string {
  return createHash('sha256').update(`${bucket}\0${key}\0${absPath}`).digest('hex').slice(0, 32);
}

export class JournalStore {
  // Writes to one journal are chained so a slow rename can never land after a newer state.
  private readonly chains = new Map<string, Promise<void>>();

  constructor(readonly dir: string) {}

  private file(id: string): string {
    return join(this.dir, `upload-${id}.json`);
  }

  /** The journal, or undefined when there is none or it is unreadable (a damaged journal only costs a restart). */
  async read(id: string): Promise<UploadJournal | undefined> {
    let text: string;
    try {
      text = await readFile(this.file(id), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const parsed = UploadJournalSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  write(id: string, journal: UploadJournal): Promise<void> {
    const snapshot = JSON.stringify(UploadJournalSchema.parse(journal), null, 1);
    return this.chain(id, async () => {
      await mkdir(this.dir, { recursive: true });
      const tmp = `${this.file(id)}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(tmp, snapshot, { mode: 0o600 });
      await rename(tmp, this.file(id));
    });
  }

  remove(id: string): Promise<void> {
    return this.chain(id, () => rm(this.file(id), { force: true }));
  }

  /** Every readable journal (interrupted uploads), e.g. to offer "resume" at startup. */
  async list(): Promise<Array<{ id: string; journal: UploadJournal }>> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: Array<{ id: string; journal: UploadJournal }> = [];
    for (const name of names) {
      const m = /^upload-([0-9a-f]+)\.json$/.exec(name);
      if (!m) continue;
      const journal = await this.read(m[1]);
      if (journal) out.push({ id: m[1], journal });
    }
    return out;
  }

  private chain(id: string, step: () => Promise<void>): Promise<void> {
    const prev = this.chains.get(id) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(step);
    this.chains.set(id, next);
    void next.finally(() => {
      if (this.chains.get(id) === next) this.chains.delete(id);
    }).catch(() => undefined);
    return next;
  }
}
