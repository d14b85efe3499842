// Which keyring a data folder belongs to, recorded in the folder itself (`<dataDir>/store-id.json`) so that no
// command opens a store with any other keyring. Without it, a moved folder or a forgotten --keyring used to get a
// brand-new keyring: every existing object unreadable, and new uploads sealed by a second keyring.
//
// The record holds the store's id, the keyring's id and creation date, and the check value (KCV: an HMAC of a
// fixed label under the master key, never a key) of each master-key version the store has used. A keyring is
// accepted when it is for this store, has the recorded id, and every key it holds material for matches the
// recorded check value (at least one must): so an altered file or one mixed from two keyrings is refused, while an
// older backup of the right keyring, or one whose first keys were retired, is still recognised. Rotation adds the
// new key's check value before any older key can be retired.
//
// A file of its own rather than a row in meta.db: it must be read before anything in the folder is touched (before
// the store lock, before SQLite opens, and possibly recovers, meta.db), and by commands that never open the store.
// It is written crash-safely (tmp, fsync, rename, fsync dir). A new store writes it first, with no keyring yet
// (`"keyring": null`), then creates meta.db and the keyring, then records the keyring: a crash in between leaves a
// folder whose keyring may still be created, never a store with data and no record. A store made before this
// record existed gets it on its first open with the keyring that opens it (meta.db checks that keyring's store id).
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../platform/durable-fs';
import { assertKeyringOutside, readKeyringIdentity, WrongKeyringError, type Keyring, type KeyringIdentity } from './sse/keyring';

export const STORE_ID_FILE = 'store-id.json';
const FORMAT = 'coffer-store-id/1';

export interface KeyringRecord {
  id: string;
  created: string;
  /** Master-key version → its check value (KCV). */
  checks: Record<string, string>;
  /** Where the keyring was when the store was last opened (a hint for someone looking for it). */
  lastPath: string;
}

export interface StoreIdRecord {
  format: typeof FORMAT;
  storeId: string;
  created: string;
  /** null while a new store is being created, before its keyring exists. */
  keyring: KeyringRecord | null;
}

/** An admin command pointed at a folder that holds no store (a typo, an empty folder): refused, exit 2. */
export class NotAStoreError extends Error {
  constructor(dataDir: string) {
    super(`${dataDir} is not a Coffer store (it has no ${STORE_ID_FILE} or meta.db); check --data`);
    this.name = 'NotAStoreError';
  }
}

export interface DataFolder {
  dataDir: string;
  record: StoreIdRecord | undefined;
  /** meta.db exists: a store, recorded or made before stores recorded their keyring. */
  hasMeta: boolean;
}

export type OpenPlan =
  /** Nothing here yet: opening creates a store. */
  | { kind: 'new' }
  /** A store whose creation stopped before its keyring was recorded; its keyring may still be created. */
  | { kind: 'unbound'; record: StoreIdRecord }
  | { kind: 'bound'; record: StoreIdRecord }
  /** meta.db without a record: made before stores recorded their keyring. */
  | { kind: 'legacy' };

function recordPath(dataDir: string): string {
  return join(dataDir, STORE_ID_FILE);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return false;
    throw err;
  }
}

function parseRecord(text: string, file: string): StoreIdRecord {
  const bad = (why: string) =>
    new Error(
      `${file} is damaged (${why}); restore it from a backup, or delete it to have it written again by the next open ` +
        'with the keyring that opens this store',
    );
  let doc: Partial<StoreIdRecord>;
  try {
    doc = JSON.parse(text) as Partial<StoreIdRecord>;
  } catch {
    throw bad('not valid JSON');
  }
  if (doc?.format !== FORMAT) throw bad(`format is ${JSON.stringify(doc?.format)}, expected "${FORMAT}"`);
  if (typeof doc.storeId !== 'string' || doc.storeId === '') throw bad('no storeId');
  if (typeof doc.created !== 'string') throw bad('no created date');
  const k = doc.keyring;
  if (k !== null) {
    if (typeof k !== 'object' || k === undefined) throw bad('no keyring');
    if (typeof k.id !== 'string' || typeof k.created !== 'string' || typeof k.lastPath !== 'string') throw bad('keyring id, created or lastPath missing');
    if (typeof k.checks !== 'object' || k.checks === null || Object.values(k.checks).some((c) => typeof c !== 'string')) throw bad('bad keyring checks');
  }
  return { format: FORMAT, storeId: doc.storeId, created: doc.created, keyring: k };
}

/** What is in a data folder, read without changing anything. */
export async function inspectDataFolder(dataDir: string): Promise<DataFolder> {
  const dir = resolve(dataDir);
  const file = recordPath(dir);
  let record: StoreIdRecord | undefined;
  try {
    record = parseRecord(await readFile(file, 'utf8'), file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
  }
  return { dataDir: dir, record, hasMeta: await exists(join(dir, 'meta.db')) };
}

/** For commands that only make sense on an existing store (fsck, keys, rotate-key, kms, credentials). */
export async function requireStore(dataDir: string): Promise<DataFolder> {
  const folder = await inspectDataFolder(dataDir);
  if (!folder.record && !folder.hasMeta) throw new NotAStoreError(folder.dataDir);
  return folder;
}

function when(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC` : iso;
}

/** Refuses `found` (the file at `path`, or nothing there) unless it is the keyring `record` names. */
function verifyKeyring(record: StoreIdRecord & { keyring: KeyringRecord }, found: KeyringIdentity | undefined, path: string): void {
  const k = record.keyring;
  const sealed = `this store's objects are sealed by keyring ${k.id} (created ${when(k.created)})`;
  const seen = k.lastPath !== path ? ` It was last used at ${k.lastPath}.` : '';
  const refuse = (what: string) => new WrongKeyringError(`${sealed}; ${what}${seen}`, `Pass --keyring with the right file (it names store ${record.storeId}).`);
  if (!found) throw refuse(`it was not found at ${path}.`);
  if (found.storeId !== record.storeId) throw refuse(`${path} is a keyring of another store (${found.storeId}).`);
  if (found.id !== k.id) throw refuse(`${path} is keyring ${found.id} (created ${when(found.created)}).`);
  let matched = 0;
  for (const [kid, kcv] of found.checks) {
    const want = k.checks[String(kid)];
    if (want === undefined) continue;
    if (want !== kcv) {
      matched = -1;
      break;
    }
    matched++;
  }
  if (matched <= 0) {
    throw refuse(
      `${path} has that id, but its keys do not match the check values in this folder's ${STORE_ID_FILE} ` +
        '(the file was altered or mixed with another keyring).',
    );
  }
}

/**
 * Decides how a store in `dataDir` opens with the keyring at `keyringPath`, reading only: throws
 * WrongKeyringError for any keyring that is not the folder's (or a missing one, for a folder that holds a store),
 * so that nothing is created or changed for it.
 */
export async function planStoreOpen(dataDir: string, keyringPath: string): Promise<OpenPlan> {
  const folder = await inspectDataFolder(dataDir);
  const path = resolve(keyringPath);
  await assertKeyringOutside(path, folder.dataDir);
  const found = await readKeyringIdentity(path);
  const { record } = folder;
  if (record?.keyring) {
    verifyKeyring(record as StoreIdRecord & { keyring: KeyringRecord }, found, path);
    return { kind: 'bound', record };
  }
  if (record) {
    if (found && found.storeId !== record.storeId) {
      throw new WrongKeyringError(
        `${path} is a keyring of another store (${found.storeId}); ${folder.dataDir} is store ${record.storeId}, which has no keyring yet.`,
        'Pass --keyring with a path where no file exists yet.',
      );
    }
    return { kind: 'unbound', record };
  }
  if (folder.hasMeta) {
    if (!found) {
      throw new WrongKeyringError(
        `${folder.dataDir} holds a Coffer store made before stores recorded their keyring, and its keyring was not found at ${path}.`,
      );
    }
    return { kind: 'legacy' };
  }
  if (found) {
    throw new WrongKeyringError(
      `${path} is the keyring of store ${found.storeId}, but ${folder.dataDir} holds no store.`,
      'Check --data; to start a new store there, give a keyring path where no file exists yet.',
    );
  }
  return { kind: 'new' };
}

/** The open store's record: started when the store is created, completed and kept current with its keyring. */
export class StoreBinding {
  private constructor(
    private readonly file: string,
    private record: StoreIdRecord | undefined,
  ) {}

  /**
   * Under the store lock, after planStoreOpen: a new store's record is written now (before meta.db), with
   * `newStoreId` or a random id. `storeId` is then the id meta.db must have (undefined for a legacy store).
   */
  static async begin(dataDir: string, plan: OpenPlan, newStoreId?: string): Promise<StoreBinding> {
    const file = recordPath(resolve(dataDir));
    if (plan.kind === 'legacy') return new StoreBinding(file, undefined);
    if (plan.kind !== 'new') return new StoreBinding(file, plan.record);
    const record: StoreIdRecord = { format: FORMAT, storeId: newStoreId ?? randomBytes(16).toString('hex'), created: new Date().toISOString(), keyring: null };
    await writeRecord(file, record);
    return new StoreBinding(file, record);
  }

  get storeId(): string | undefined {
    return this.record?.storeId;
  }

  /** Whether the keyring may be created (the store has none recorded and holds nothing sealed yet). */
  get keyringMayBeCreated(): boolean {
    return this.record !== undefined && this.record.keyring === null;
  }

  /** meta.db's id must be the record's: otherwise the folder mixes two stores. */
  checkMetaId(metaStoreId: string): void {
    if (this.record && this.record.storeId !== metaStoreId) {
      throw new Error(`${this.file} names store ${this.record.storeId}, but meta.db beside it is store ${metaStoreId}; this folder mixes two stores`);
    }
  }

  /**
   * Records the open keyring: on a new or older store the whole keyring entry, later the check value of each new
   * master key (call after a rotation, and before a key is retired) and where the keyring now is. Writes only
   * when something changed.
   */
  async remember(keyring: Keyring): Promise<void> {
    const idn = keyring.identity();
    const cur = this.record;
    if (cur?.keyring) verifyKeyring(cur as StoreIdRecord & { keyring: KeyringRecord }, idn, keyring.path);
    const checks: Record<string, string> = { ...(cur?.keyring?.checks ?? {}) };
    for (const [kid, kcv] of idn.checks) checks[String(kid)] = kcv;
    const next: StoreIdRecord = {
      format: FORMAT,
      storeId: cur?.storeId ?? idn.storeId,
      created: cur?.created ?? new Date().toISOString(),
      keyring: { id: idn.id, created: cur?.keyring?.created ?? idn.created, checks, lastPath: keyring.path },
    };
    if (cur && JSON.stringify(cur) === JSON.stringify(next)) return;
    await writeRecord(this.file, next);
    this.record = next;
  }
}

async function writeRecord(file: string, record: StoreIdRecord): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`, 0o600);
}
