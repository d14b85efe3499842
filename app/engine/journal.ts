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
import type { z } from 'zod';

/**
 * The journal's schema, built on first use: zod is most of the code a `coffer cp` would otherwise load and compile
 * at start, and a single small file (one PUT) never reads or writes a journal.
 */
function buildSchemas(zod: typeof z) {
  const PartRecord = zod.object({ etag: zod.string(), crc64: zod.string().regex(/^\d+$/), size: zod.number().int().nonnegative() });
  const EncryptionRecord = zod.discriminatedUnion('mode', [
    zod.object({ mode: zod.literal('SSE-COS') }),
    zod.object({ mode: zod.literal('SSE-KMS'), keyId: zod.string().optional() }),
    zod.object({ mode: zod.literal('SSE-C'), keyMd5: zod.string() }),
    zod.object({ mode: zod.literal('none') }),
  ]);
  const UploadJournal = zod.object({
    version: zod.literal(1),
    bucket: zod.string(),
    key: zod.string(),
    uploadId: zod.string().min(1),
    partSize: zod.number().int().positive(),
    file: zod.object({ path: zod.string(), size: zod.number().int().nonnegative(), mtimeMs: zod.number() }),
    encryption: EncryptionRecord,
    /** Part number (as a string, JSON keys) → what the server acknowledged. */
    parts: zod.record(zod.string(), PartRecord),
    createdAt: zod.string(),
  });
  return { PartRecord, EncryptionRecord, UploadJournal };
}

type Schemas = ReturnType<typeof buildSchemas>;
let schemas: Promise<Schemas> | undefined;
function journalSchema(): Promise<Schemas['UploadJournal']> {
  schemas ??= import('zod').then((m) => buildSchemas(m.z));
  return schemas.then((s) => s.UploadJournal);
}

export type UploadJournal = z.infer<Schemas['UploadJournal']>;
export type JournalEncryption = z.infer<Schemas['EncryptionRecord']>;
export type JournalPart = z.infer<Schemas['PartRecord']>;

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
    const schema = await journalSchema();
    try {
      const parsed = schema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  write(id: string, journal: UploadJournal): Promise<void> {
    // The state as of this call (the caller goes on changing `journal`), checked once the schema is loaded.
    const state = JSON.stringify(journal);
    return this.chain(id, async () => {
      const snapshot = JSON.stringify((await journalSchema()).parse(JSON.parse(state)), null, 1);
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
