// The versioned master keys of SSE-COS (sse-design §8.3, §8.10): one JSON file outside the data directory,
// mode 0600, changed only by atomic replace (previous version kept as `<path>.bak`). Retired key material moves
// to `<path>.escrow.json` so metadata in old backups can still be unwrapped after a restore.

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { decodeBase64Strict, wipe } from './sse-encoding';
import { enforceSecretMode, writeSecretFile } from './secret-file';
import { makeDirs } from '../../platform/make-dirs';

export interface MasterKeyInfo {
  id: number;
  state: 'active' | 'decrypt-only' | 'retired';
  created: string;
  deactivated?: string;
  kcv: string;
}

export interface KeyringOpenOptions {
  /** The data root's id (`.cos/format.json`); a keyring made for another store is refused. */
  storeId: string;
  /** The data root; a keyring inside it is refused (a stolen disk would carry its own keys). */
  dataDir: string;
  /** Told about problems that were repaired, e.g. a keyring file readable by group/other. */
  onWarning?: (message: string) => void;
  /**
   * Create the file when it does not exist (default true). False for a store that already holds data: a missing
   * keyring then fails instead of being replaced by a new one that opens none of the objects.
   */
  create?: boolean;
}

/**
 * Which keyring a file is, told without its secrets (what a data folder records, see store-binding.ts).
 * `id` is derived from the first master key's check value, so every copy and backup of one keyring has the same
 * id and a keyring made later (even for the same store) has another; `checks` are the check values (KCVs) of
 * the keys whose material the file holds, each verified against that material when the file was read.
 */
export interface KeyringIdentity {
  storeId: string;
  id: string;
  /** Creation date of the first master key: when the keyring was made. */
  created: string;
  checks: Map<number, string>;
}

/** A keyring that is not the one asked for (another store's, missing, or not the data folder's): refused, exit 2. */
export class WrongKeyringError extends Error {
  constructor(
    /** What is wrong, without the advice (a caller that cannot take --keyring gives its own). */
    readonly problem: string,
    advice = 'Pass --keyring with the right file.',
  ) {
    super(`${problem} ${advice}`);
    this.name = 'WrongKeyringError';
  }
}

interface KeyRecord extends MasterKeyInfo {
  material: Buffer | null;
}

interface KeyringState {
  storeId: string;
  active: number;
  lastId: number;
  keys: KeyRecord[];
}

interface EscrowEntry {
  id: number;
  created: string;
  deactivated?: string;
  retired: string;
  kcv: string;
  material: string;
}

const FORMAT = 'cos-sse-keyring/1';
const ESCROW_FORMAT = 'cos-sse-keyring-escrow/1';
const KCV_LABEL = 'cos-sse/v1/kcv';
const STATES = new Set(['active', 'decrypt-only', 'retired']);
const DAY_MS = 86_400_000;

export class Keyring {
  /** Serializes changes in this process; each one writes the file before swapping the in-memory state. */
  private lock: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly path: string,
    private state: KeyringState,
  ) {}

  get escrowPath(): string {
    return `${this.path}.escrow.json`;
  }

  get storeId(): string {
    return this.state.storeId;
  }

  static async open(path: string, opts: KeyringOpenOptions): Promise<Keyring> {
    if (typeof opts.storeId !== 'string' || opts.storeId === '') throw new Error('keyring: storeId is required');
    const file = resolve(path);
    await assertKeyringOutside(file, opts.dataDir);
    let text = await readIfExists(file);
    if (text === undefined) {
      if (opts.create === false) {
        throw new WrongKeyringError(`the keyring of store ${opts.storeId} was not found at ${file}.`);
      }
      await makeDirs(dirname(file), 0o700);
      const fresh: KeyringState = { storeId: opts.storeId, active: 1, lastId: 1, keys: [newKey(1)] };
      try {
        await writeSecretFile(file, serialize(fresh), { exclusive: true });
        return new Keyring(file, fresh);
      } catch (err) {
        wipeState(fresh);
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        text = await readFile(file, 'utf8'); // another process created it first: use theirs
      }
    }
    await checkMode(file, opts.onWarning);
    return new Keyring(file, parseKeyring(text, file, opts.storeId));
  }

  get activeKid(): number {
    return this.state.active;
  }

  identity(): KeyringIdentity {
    return identityOf(this.state);
  }

  /** A copy of master key `kid` (the caller may and should wipe it). Throws for unknown or retired kids. */
  material(kid: number): Buffer {
    const k = this.state.keys.find((x) => x.id === kid);
    if (!k) throw new Error(`master key ${kid} is not in the keyring ${this.path}`);
    if (!k.material) {
      throw new Error(
        `master key ${kid} is retired; its material is in escrow (${this.escrowPath}). ` +
          'Restore it (restoreFromEscrow) to read objects still sealed with it',
      );
    }
    return Buffer.from(k.material);
  }

  list(): MasterKeyInfo[] {
    return this.state.keys.map(info);
  }

  /** Adds a new active key (next id); the previous active key stays usable for unwrapping only. */
  async rotate(): Promise<MasterKeyInfo> {
    return this.exclusive(async () => {
      const cur = this.state;
      const id = cur.lastId + 1;
      const now = new Date().toISOString();
      const fresh = newKey(id, now);
      const next: KeyringState = {
        storeId: cur.storeId,
        active: id,
        lastId: id,
        keys: [
          ...cur.keys.map((k) => (k.id === cur.active ? { ...k, state: 'decrypt-only' as const, deactivated: now } : k)),
          fresh,
        ],
      };
      await this.commit(next);
      return info(fresh);
    });
  }

  /**
   * Removes key `kid` from the live keyring after the caller verified nothing references it. The material is
   * first written to the escrow file, so restoring an old backup of the metadata stays possible.
   */
  async retire(kid: number): Promise<void> {
    return this.exclusive(async () => {
      const cur = this.state;
      const k = cur.keys.find((x) => x.id === kid);
      if (!k) throw new Error(`cannot retire master key ${kid}: it is not in the keyring`);
      if (k.id === cur.active) throw new Error(`cannot retire master key ${kid}: it is the active key; rotate first`);
      if (!k.material) return; // already retired
      const now = new Date().toISOString();
      const escrow = await this.readEscrow();
      if (!escrow.some((e) => e.id === kid)) {
        escrow.push({ id: k.id, created: k.created, deactivated: k.deactivated ?? now, retired: now, kcv: k.kcv, material: k.material.toString('base64') });
      }
      await writeSecretFile(this.escrowPath, serializeEscrow(cur.storeId, escrow), { backup: true });
      const next: KeyringState = {
        ...cur,
        keys: cur.keys.map((x) =>
          x.id === kid ? { ...x, state: 'retired' as const, deactivated: x.deactivated ?? now, material: null } : x,
        ),
      };
      await this.commit(next);
    });
  }

  /** Brings a retired key back from escrow as decrypt-only (e.g. after restoring metadata from a backup). */
  async restoreFromEscrow(kid: number): Promise<void> {
    return this.exclusive(async () => {
      const cur = this.state;
      const k = cur.keys.find((x) => x.id === kid);
      if (!k) throw new Error(`cannot restore master key ${kid}: it is not in the keyring`);
      if (k.material) return;
      const e = (await this.readEscrow()).find((x) => x.id === kid);
      const material = e ? decodeBase64Strict(e.material) : undefined;
      if (!e || !material || material.length !== 32 || !kcvMatches(material, k.kcv)) {
        wipe(material);
        throw new Error(`cannot restore master key ${kid}: escrow ${this.escrowPath} has no valid copy of it`);
      }
      await this.commit({
        ...cur,
        keys: cur.keys.map((x) => (x.id === kid ? { ...x, state: 'decrypt-only' as const, material } : x)),
      });
    });
  }

  /** True when the active key is older than `rotationDays`. */
  needsRotation(rotationDays: number, now: number = Date.now()): boolean {
    if (!(rotationDays > 0)) throw new RangeError(`rotation period must be > 0 days, got ${rotationDays}`);
    const active = this.state.keys.find((k) => k.id === this.state.active);
    const created = active ? Date.parse(active.created) : NaN;
    return !Number.isFinite(created) || now - created >= rotationDays * DAY_MS;
  }

  /** Re-reads the file (e.g. after another process rotated) and swaps it in; on any error the old view stays. */
  async reload(): Promise<void> {
    return this.exclusive(async () => {
      const text = await readFile(this.path, 'utf8');
      const next = parseKeyring(text, this.path, this.state.storeId);
      const old = this.state;
      this.state = next;
      wipeState(old);
    });
  }

  private async commit(next: KeyringState): Promise<void> {
    await writeSecretFile(this.path, serialize(next), { backup: true });
    const old = this.state;
    this.state = next;
    // material() hands out copies, so buffers no longer referenced by the new state can be wiped now.
    const kept = new Set(next.keys.map((k) => k.material));
    for (const k of old.keys) if (k.material && !kept.has(k.material)) k.material.fill(0);
  }

  private async readEscrow(): Promise<EscrowEntry[]> {
    const text = await readIfExists(this.escrowPath);
    if (text === undefined) return [];
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw new Error(`key escrow ${this.escrowPath} is corrupt (not valid JSON); fix or move it before retiring keys`);
    }
    const d = doc as { format?: unknown; storeId?: unknown; keys?: unknown };
    if (d?.format !== ESCROW_FORMAT || !Array.isArray(d.keys)) throw new Error(`key escrow ${this.escrowPath} is not a ${ESCROW_FORMAT} file`);
    if (d.storeId !== this.state.storeId) throw new Error(`key escrow ${this.escrowPath} belongs to store ${String(d.storeId)}`);
    return d.keys as EscrowEntry[];
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }
}

function newKey(id: number, created = new Date().toISOString()): KeyRecord {
  const material = randomBytes(32);
  return { id, state: 'active', created, kcv: kcvOf(material), material };
}

/** First 8 bytes of HMAC-SHA256(material, "cos-sse/v1/kcv"): detects a wrong or altered key without trial decryption. */
function kcvOf(material: Buffer): string {
  return createHmac('sha256', material).update(KCV_LABEL).digest().subarray(0, 8).toString('hex');
}

function kcvMatches(material: Buffer, kcv: string): boolean {
  const want = Buffer.from(kcv, 'hex');
  const got = Buffer.from(kcvOf(material), 'hex');
  return want.length === got.length && timingSafeEqual(want, got);
}

function info(k: KeyRecord): MasterKeyInfo {
  const out: MasterKeyInfo = { id: k.id, state: k.state, created: k.created, kcv: k.kcv };
  if (k.deactivated) out.deactivated = k.deactivated;
  return out;
}

function serialize(s: KeyringState): string {
  const doc = {
    format: FORMAT,
    storeId: s.storeId,
    active: s.active,
    lastId: s.lastId,
    protection: { kind: 'none' },
    keys: s.keys.map((k) => ({ ...info(k), material: k.material ? k.material.toString('base64') : null })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function serializeEscrow(storeId: string, keys: EscrowEntry[]): string {
  return `${JSON.stringify({ format: ESCROW_FORMAT, storeId, keys: [...keys].sort((a, b) => a.id - b.id) }, null, 2)}\n`;
}

/** Strict validation: any oddity means the file was edited or damaged, and guessing could lose data. */
function parseKeyring(text: string, path: string, storeId: string | undefined): KeyringState {
  const bad = (why: string): Error => new Error(`keyring ${path} is corrupt: ${why}`);
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw bad('not valid JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw bad('not a JSON object');
  if (doc.format !== FORMAT) throw bad(`format is ${JSON.stringify(doc.format)}, expected "${FORMAT}"`);
  if (typeof doc.storeId !== 'string') throw bad('storeId missing');
  if (storeId !== undefined && doc.storeId !== storeId) {
    throw new WrongKeyringError(
      `keyring ${path} belongs to store ${doc.storeId}, but this data directory is store ${storeId}; refusing to use it.`,
    );
  }
  const protection = doc.protection as { kind?: unknown } | undefined;
  if (protection?.kind !== 'none') throw new Error(`keyring ${path}: protection kind ${JSON.stringify(protection?.kind)} is not supported`);
  if (!Array.isArray(doc.keys) || doc.keys.length === 0) throw bad('no keys');
  const keys: KeyRecord[] = [];
  const ids = new Set<number>();
  try {
    for (const raw of doc.keys as Array<Record<string, unknown>>) {
      const id = raw?.id;
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1 || ids.has(id)) throw bad(`bad or duplicate key id ${String(id)}`);
      ids.add(id);
      if (typeof raw.state !== 'string' || !STATES.has(raw.state)) throw bad(`key ${id} has unknown state ${String(raw.state)}`);
      if (typeof raw.created !== 'string' || !Number.isFinite(Date.parse(raw.created))) throw bad(`key ${id} has no valid created date`);
      if (raw.deactivated !== undefined && typeof raw.deactivated !== 'string') throw bad(`key ${id} has a bad deactivated date`);
      if (typeof raw.kcv !== 'string' || !/^[0-9a-f]{16}$/.test(raw.kcv)) throw bad(`key ${id} has a bad kcv`);
      let material: Buffer | null = null;
      if (raw.state === 'retired') {
        if (raw.material !== null) throw bad(`retired key ${id} still has material`);
      } else {
        const m = typeof raw.material === 'string' ? decodeBase64Strict(raw.material) : undefined;
        if (!m || m.length !== 32) throw bad(`key ${id} material is not 32 bytes of base64`);
        material = m;
      }
      // Pushed before the KCV check so that a failure below still wipes this material.
      keys.push({
        id,
        state: raw.state as MasterKeyInfo['state'],
        created: raw.created,
        kcv: raw.kcv,
        material,
        ...(raw.deactivated ? { deactivated: raw.deactivated } : {}),
      });
      if (material && !kcvMatches(material, raw.kcv)) {
        throw new Error(
          `keyring ${path}: key ${id} does not match its check value (KCV); the file was altered or mixed with another keyring`,
        );
      }
    }
    const actives = keys.filter((k) => k.state === 'active');
    if (actives.length !== 1) throw bad(`${actives.length} active keys (exactly one is required)`);
    if (doc.active !== actives[0].id) throw bad(`"active" is ${String(doc.active)} but key ${actives[0].id} is the active one`);
    const maxId = Math.max(...ids);
    const lastId = doc.lastId === undefined ? maxId : doc.lastId;
    if (typeof lastId !== 'number' || !Number.isSafeInteger(lastId) || lastId < maxId) throw bad('lastId is below the highest key id');
    return { storeId: doc.storeId as string, active: actives[0].id, lastId, keys };
  } catch (err) {
    for (const k of keys) wipe(k.material ?? undefined);
    throw err;
  }
}

/**
 * The identity of the keyring at `path`, read without changing anything (the file is fully validated, KCVs
 * included); undefined when there is no file there.
 */
export async function readKeyringIdentity(path: string): Promise<KeyringIdentity | undefined> {
  const file = resolve(path);
  const text = await readIfExists(file);
  if (text === undefined) return undefined;
  const state = parseKeyring(text, file, undefined);
  try {
    return identityOf(state);
  } finally {
    wipeState(state);
  }
}

function identityOf(s: KeyringState): KeyringIdentity {
  const first = s.keys.reduce((a, b) => (b.id < a.id ? b : a));
  const id = createHash('sha256').update(`coffer-keyring-id/1\0${s.storeId}\0${first.id}\0${first.kcv}`).digest('hex').slice(0, 16);
  const checks = new Map<number, string>();
  for (const k of s.keys) if (k.material) checks.set(k.id, k.kcv);
  return { storeId: s.storeId, id, created: first.created, checks };
}

/** Refuses a keyring path inside the data directory (a stolen disk would carry its own keys). */
export async function assertKeyringOutside(path: string, dataDir: string): Promise<void> {
  const file = resolve(path);
  if (await isInside(file, dataDir)) {
    throw new Error(
      `keyring ${file} is inside the data directory ${resolve(dataDir)}; keep it on another volume or path, ` +
        'otherwise anyone holding the data also holds the keys',
    );
  }
}

function wipeState(s: KeyringState): void {
  for (const k of s.keys) wipe(k.material ?? undefined);
}

async function checkMode(file: string, onWarning?: (m: string) => void): Promise<void> {
  const { fixed, was } = await enforceSecretMode(file);
  if (fixed) onWarning?.(`keyring ${file} had mode 0${was.toString(8)}; changed it to 0600 (owner only)`);
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Resolves symlinks of the longest existing ancestor, so `/data/../data/x` or a symlinked dir cannot hide it. */
async function canonical(p: string): Promise<string> {
  let head = resolve(p);
  const tail: string[] = [];
  for (;;) {
    try {
      const real = await realpath(head);
      return tail.length ? join(real, ...tail.reverse()) : real;
    } catch {
      const parent = dirname(head);
      if (parent === head) return resolve(p);
      tail.push(basename(head));
      head = parent;
    }
  }
}

async function isInside(file: string, dir: string): Promise<boolean> {
  const fold = (s: string): string => (process.platform === 'win32' || process.platform === 'darwin' ? s.toLowerCase() : s);
  const rel = relative(fold(await canonical(dir)), fold(await canonical(file)));
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}
