// The credential vault: profiles and SSE-C customer keys in COFFER_HOME/vault.json. Secrets are sealed per
// field under a random data key, which a SecretProtector (safeStorage or passphrase) wraps. Secrets leave only
// through getSigningCredentials / getSseCustomerKey (for app/cos) and the redactor (which never returns them).

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-file';
import { cofferPaths, ensureCofferHome } from './coffer-home';
import { VaultError } from './errors';
import { computeMac, DATA_KEY_BYTES, type DataKeys, deriveDataKeys, equalBase64, fieldAad, openBytes, type RecordType, sealBytes } from './field-cipher';
import { nameSchema, parseOrThrow, profileInputSchema, profilePatchSchema, type ProfileKind, localStoreEndpointProblem } from './profile-schema';
import { isParameterized, type SecretProtector } from './protectors';
import { buildRedactor } from './redact';
import { type ProfileRecord, parseVaultFile, serializeVault, type SseKeyRecord, VAULT_FORMAT, type VaultBody, type VaultDocument } from './vault-file';
import { z } from 'zod';

export interface ProfileView {
  id: string;
  name: string;
  kind: ProfileKind;
  region: string;
  appid: string;
  endpoint?: string;
  /** A store's certificate the user chose to trust (PEM). */
  tlsCertificate?: string;
  /** e.g. `AKID****abcd`; the full id, like the key, stays in the vault. */
  secretIdMasked: string;
  hasSessionToken: boolean;
  created: string;
  updated: string;
}

export interface SigningCredentials {
  secretId: string;
  secretKey: string;
  sessionToken?: string;
}

export interface SseCustomerKeyView {
  id: string;
  name: string;
  /** base64(MD5(raw key)): what COS echoes in x-cos-server-side-encryption-customer-key-MD5. */
  md5Fingerprint: string;
  created: string;
}

export interface VaultOpenOptions {
  protector: SecretProtector;
  /** Create a new vault when none exists (default true). */
  create?: boolean;
}

export const SSE_C_KEY_BYTES = 32;

/** `AKID****abcd`: enough to tell keys apart, not enough to use. Short values are masked entirely. */
export function maskSecretId(secretId: string): string {
  return secretId.length >= 12 ? `${secretId.slice(0, 4)}****${secretId.slice(-4)}` : '****';
}

/**
 * The profile or SSE-C key called `name`. Names are unique regardless of case (a second "Work" beside "work" is
 * refused), so the lookup ignores case too: what the user typed finds what they see in the list.
 */
export function findByName<T extends { name: string }>(records: ReadonlyArray<T>, name: string): T | undefined {
  const folded = name.toLocaleLowerCase();
  return records.find((r) => r.name.toLocaleLowerCase() === folded);
}

export function md5Fingerprint(key: Buffer): string {
  return createHash('md5').update(key).digest('base64');
}

const now = () => new Date().toISOString();
const newId = () => randomUUID();

export class Vault {
  private keys: DataKeys | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly path: string,
    private body: VaultBody,
    dataKey: Buffer,
    private protector: SecretProtector,
    /** sha256 of the file as last read or written: detects another process writing it meanwhile. */
    private diskDigest: string,
  ) {
    this.keys = deriveDataKeys(dataKey);
    dataKey.fill(0);
  }

  /** The protector kind of the vault in `home` ('passphrase', 'keychain', 'safeStorage'), or undefined without one. */
  static async protectorKindAt(home: string): Promise<string | undefined> {
    const path = cofferPaths(home).vault;
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    return parseVaultFile(bytes, path).header.protector.kind;
  }

  /** Opens (or creates) COFFER_HOME/vault.json. A damaged or altered file is reported and left untouched. */
  static async open(home: string, opts: VaultOpenOptions): Promise<Vault> {
    await ensureCofferHome(home);
    const path = cofferPaths(home).vault;
    let bytes: Buffer | undefined;
    try {
      bytes = await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (bytes === undefined) {
      if (opts.create === false) throw new VaultError('NOT_FOUND', `There is no vault at ${path}.`);
      return Vault.create(path, opts.protector);
    }
    const doc = parseVaultFile(bytes, path);
    const { header } = doc;
    const protector = opts.protector;
    if (header.protector.kind !== protector.kind) {
      throw new VaultError('PROTECTOR_MISMATCH', `This vault is protected by "${header.protector.kind}", not "${protector.kind}"; open it with the matching ${header.protector.kind === 'passphrase' ? 'passphrase' : 'protector'}.`);
    }
    if (isParameterized(protector)) {
      if (!header.protector.params) throw new VaultError('CORRUPT', `The vault file ${path} lacks its ${protector.kind} parameters; it was left untouched.`);
      await protector.unlock(header.protector.params);
    }
    const dataKey = await protector.decrypt(Buffer.from(header.wrappedKey, 'base64'));
    const keys = deriveDataKeys(dataKey);
    if (dataKey.length !== DATA_KEY_BYTES || !equalBase64(keys.kcv.toString('base64'), header.kcv)) {
      throw new VaultError('UNLOCK_FAILED', `The ${protector.kind} protector did not recover this vault's key (another user account, machine or keychain?).`);
    }
    const { mac, ...body } = doc;
    if (!equalBase64(computeMac(keys.macKey, body), mac)) {
      throw new VaultError('TAMPERED', `The vault file ${path} failed its integrity check: it was altered or damaged. It was left untouched.`);
    }
    return new Vault(path, body, dataKey, protector, sha256(bytes));
  }

  private static async create(path: string, protector: SecretProtector): Promise<Vault> {
    const params = isParameterized(protector) ? await protector.initialize() : undefined;
    const dataKey = randomBytes(DATA_KEY_BYTES);
    const keys = deriveDataKeys(dataKey);
    const body: VaultBody = {
      header: {
        format: VAULT_FORMAT,
        vaultId: newId(),
        created: now(),
        protector: params ? { kind: protector.kind, params } : { kind: protector.kind },
        wrappedKey: (await protector.encrypt(dataKey)).toString('base64'),
        kcv: keys.kcv.toString('base64'),
      },
      profiles: [],
      sseCustomerKeys: [],
    };
    const text = serializeVault({ ...body, mac: computeMac(keys.macKey, body) });
    try {
      await writeFileAtomic(path, text);
    } catch (err) {
      // No vault points at what the protector stored (a keychain entry): drop it.
      await protector.forget?.(Buffer.from(body.header.wrappedKey, 'base64'));
      throw err;
    }
    return new Vault(path, body, dataKey, protector, sha256(Buffer.from(text)));
  }

  get protectorKind(): string {
    return this.body.header.protector.kind;
  }

  // -------------------------------------------------------------------------------------------------------
  // Profiles

  listProfiles(): ProfileView[] {
    this.live();
    return this.body.profiles.map(profileView);
  }

  getProfile(id: string): ProfileView {
    return profileView(this.profileRecord(id));
  }

  addProfile(input: unknown): Promise<ProfileView> {
    return this.mutate(async (body) => {
      const p = parseOrThrow(profileInputSchema, input, 'profile');
      this.refuseDuplicateName(body.profiles, p.name, 'profile');
      const id = newId();
      const t = now();
      const rec: ProfileRecord = {
        id,
        name: p.name,
        kind: p.kind,
        region: p.region,
        appid: p.appid,
        ...(p.endpoint ? { endpoint: p.endpoint } : {}),
        ...(p.tlsCertificate ? { tlsCertificate: p.tlsCertificate } : {}),
        secretIdMasked: maskSecretId(p.secretId),
        created: t,
        updated: t,
        secrets: {
          secretId: this.seal('profile', id, 'secretId', p.secretId),
          secretKey: this.seal('profile', id, 'secretKey', p.secretKey),
          ...(p.sessionToken ? { sessionToken: this.seal('profile', id, 'sessionToken', p.sessionToken) } : {}),
        },
      };
      return { body: { ...body, profiles: [...body.profiles, rec] }, result: profileView(rec) };
    });
  }

  /** Changes some fields; `sessionToken`, `endpoint` or `tlsCertificate` set to null remove them. Secrets given are re-sealed. */
  updateProfile(id: string, patchInput: unknown): Promise<ProfileView> {
    return this.mutate(async (body) => {
      const old = this.profileRecord(id, body);
      const patch = parseOrThrow(profilePatchSchema, patchInput, 'profile update');
      if (patch.name !== undefined) this.refuseDuplicateName(body.profiles.filter((r) => r.id !== id), patch.name, 'profile');
      const kind = patch.kind ?? old.kind;
      const endpoint = patch.endpoint === null ? undefined : (patch.endpoint ?? old.endpoint);
      const tlsCertificate = patch.tlsCertificate === null ? undefined : (patch.tlsCertificate ?? old.tlsCertificate);
      const problem = localStoreEndpointProblem(kind, endpoint);
      if (problem) throw new VaultError('VALIDATION', `Invalid profile update: ${problem}`);
      const secrets = { ...old.secrets };
      if (patch.secretId !== undefined) secrets.secretId = this.seal('profile', id, 'secretId', patch.secretId);
      if (patch.secretKey !== undefined) secrets.secretKey = this.seal('profile', id, 'secretKey', patch.secretKey);
      if (patch.sessionToken === null) delete secrets.sessionToken;
      else if (patch.sessionToken !== undefined) secrets.sessionToken = this.seal('profile', id, 'sessionToken', patch.sessionToken);
      const rec: ProfileRecord = {
        id,
        name: patch.name ?? old.name,
        kind,
        region: patch.region ?? old.region,
        appid: patch.appid ?? old.appid,
        ...(endpoint ? { endpoint } : {}),
        ...(tlsCertificate ? { tlsCertificate } : {}),
        secretIdMasked: patch.secretId !== undefined ? maskSecretId(patch.secretId) : old.secretIdMasked,
        created: old.created,
        updated: now(),
        secrets,
      };
      return { body: { ...body, profiles: body.profiles.map((r) => (r.id === id ? rec : r)) }, result: profileView(rec) };
    });
  }

  removeProfile(id: string): Promise<void> {
    return this.mutate(async (body) => {
      this.profileRecord(id, body);
      return { body: { ...body, profiles: body.profiles.filter((r) => r.id !== id) }, result: undefined };
    });
  }

  /** The only way a profile's secrets leave the vault: for app/cos to sign requests. */
  async getSigningCredentials(profileId: string): Promise<SigningCredentials> {
    const rec = this.profileRecord(profileId);
    const open = (field: string, sealed: string) => this.open('profile', rec.id, field, sealed).toString('utf8');
    const creds: SigningCredentials = { secretId: open('secretId', rec.secrets.secretId), secretKey: open('secretKey', rec.secrets.secretKey) };
    if (rec.secrets.sessionToken) creds.sessionToken = open('sessionToken', rec.secrets.sessionToken);
    return creds;
  }

  // -------------------------------------------------------------------------------------------------------
  // SSE-C customer keys

  listSseCustomerKeys(): SseCustomerKeyView[] {
    this.live();
    return this.body.sseCustomerKeys.map(sseKeyView);
  }

  addSseCustomerKey(name: string, key: Buffer): Promise<SseCustomerKeyView> {
    return this.mutate(async (body) => {
      const validName = parseOrThrow(z.object({ name: nameSchema }), { name }, 'SSE-C key').name;
      if (!Buffer.isBuffer(key) || key.length !== SSE_C_KEY_BYTES) {
        throw new VaultError('VALIDATION', `Invalid SSE-C key: key must be exactly ${SSE_C_KEY_BYTES} bytes (AES-256), got ${Buffer.isBuffer(key) ? key.length : 'no buffer'}.`);
      }
      this.refuseDuplicateName(body.sseCustomerKeys, validName, 'SSE-C key');
      const id = newId();
      const rec: SseKeyRecord = { id, name: validName, md5Fingerprint: md5Fingerprint(key), created: now(), key: this.seal('sse-c-key', id, 'key', key) };
      return { body: { ...body, sseCustomerKeys: [...body.sseCustomerKeys, rec] }, result: sseKeyView(rec) };
    });
  }

  /** A fresh random 256-bit key, kept in the vault; only its fingerprint is returned. */
  async generateSseCustomerKey(name: string): Promise<SseCustomerKeyView> {
    const key = randomBytes(SSE_C_KEY_BYTES);
    try {
      return await this.addSseCustomerKey(name, key);
    } finally {
      key.fill(0);
    }
  }

  /** The raw key, for app/cos to send as x-cos-server-side-encryption-customer-key. */
  async getSseCustomerKey(id: string): Promise<Buffer> {
    const rec = this.sseKeyRecord(id);
    const key = this.open('sse-c-key', rec.id, 'key', rec.key);
    if (key.length !== SSE_C_KEY_BYTES || md5Fingerprint(key) !== rec.md5Fingerprint) {
      throw new VaultError('TAMPERED', `SSE-C key "${rec.name}" does not match its fingerprint; the vault file was altered.`);
    }
    return key;
  }

  removeSseCustomerKey(id: string): Promise<void> {
    return this.mutate(async (body) => {
      this.sseKeyRecord(id, body);
      return { body: { ...body, sseCustomerKeys: body.sseCustomerKeys.filter((r) => r.id !== id) }, result: undefined };
    });
  }

  // -------------------------------------------------------------------------------------------------------
  // Protector, redaction, lifecycle

  /**
   * Re-wraps the data key with another protector (new passphrase, or passphrase → keychain). Secrets are not
   * re-encrypted. A keychain entry the old protector kept is removed once the new header is written (before this
   * resolves; a failure to remove it is ignored: the entry no longer opens anything).
   */
  async changeProtector(next: SecretProtector): Promise<void> {
    let forgetOld: (() => Promise<void>) | undefined;
    let newBlob: Buffer | undefined;
    try {
      await this.mutate(async (body) => {
        const previous = this.protector;
        const oldBlob = Buffer.from(body.header.wrappedKey, 'base64');
        const dataKey = await previous.decrypt(oldBlob);
        try {
          const params = isParameterized(next) ? await next.initialize() : undefined;
          newBlob = await next.encrypt(dataKey);
          const header = { ...body.header, protector: params ? { kind: next.kind, params } : { kind: next.kind }, wrappedKey: newBlob.toString('base64') };
          const after = () => {
            this.protector = next;
            if (previous.forget) forgetOld = () => previous.forget!(oldBlob);
          };
          return { body: { ...body, header }, result: undefined, after };
        } finally {
          dataKey.fill(0);
        }
      });
    } catch (err) {
      // The vault still names the old protector: what the new one stored (a keychain entry) serves nothing.
      if (newBlob) await next.forget?.(newBlob);
      throw err;
    }
    await forgetOld?.();
  }

  /**
   * A function that replaces every secret this vault holds (and its base64/hex forms) with `****`. The secrets
   * stay inside the closure; build a new redactor after adding profiles or keys.
   */
  async redactor(): Promise<(text: string) => string> {
    const secrets: Array<string | Buffer> = [];
    for (const p of this.body.profiles) {
      const c = await this.getSigningCredentials(p.id);
      secrets.push(c.secretId, c.secretKey, ...(c.sessionToken ? [c.sessionToken] : []));
    }
    for (const k of this.body.sseCustomerKeys) secrets.push(await this.getSseCustomerKey(k.id));
    return buildRedactor(secrets);
  }

  /** Forgets the data key; every later call fails with CLOSED. */
  close(): void {
    if (!this.keys) return;
    this.keys.fieldKey.fill(0);
    this.keys.macKey.fill(0);
    this.keys = undefined;
  }

  // -------------------------------------------------------------------------------------------------------

  private live(): DataKeys {
    if (!this.keys) throw new VaultError('CLOSED', 'The vault is closed; open it again.');
    return this.keys;
  }

  private seal(type: RecordType, recordId: string, field: string, value: string | Buffer): string {
    const plain = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    return sealBytes(this.live().fieldKey, plain, fieldAad(this.body.header.vaultId, type, recordId, field));
  }

  private open(type: RecordType, recordId: string, field: string, sealed: string): Buffer {
    return openBytes(this.live().fieldKey, sealed, fieldAad(this.body.header.vaultId, type, recordId, field), `${type} ${field}`);
  }

  private profileRecord(id: string, body = this.body): ProfileRecord {
    this.live();
    const rec = body.profiles.find((r) => r.id === id);
    if (!rec) throw new VaultError('NOT_FOUND', `No profile with id ${JSON.stringify(id)}.`);
    return rec;
  }

  private sseKeyRecord(id: string, body = this.body): SseKeyRecord {
    this.live();
    const rec = body.sseCustomerKeys.find((r) => r.id === id);
    if (!rec) throw new VaultError('NOT_FOUND', `No SSE-C key with id ${JSON.stringify(id)}.`);
    return rec;
  }

  private refuseDuplicateName(records: ReadonlyArray<{ name: string }>, name: string, what: string): void {
    if (findByName(records, name)) {
      throw new VaultError('DUPLICATE', `A ${what} named "${name}" already exists; choose another name.`);
    }
  }

  /**
   * Runs one change at a time: compute the new body, write it atomically, then adopt it. If the write fails
   * the in-memory state is unchanged. If the file changed on disk since we read it, refuse (CONFLICT) rather
   * than overwrite another process's change.
   */
  private mutate<T>(change: (body: VaultBody) => Promise<{ body: VaultBody; result: T; after?: () => void }>): Promise<T> {
    const run = async (): Promise<T> => {
      const keys = this.live();
      const { body, result, after } = await change(this.body);
      let current: Buffer | undefined;
      try {
        current = await readFile(this.path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      if (!current || sha256(current) !== this.diskDigest) {
        throw new VaultError('CONFLICT', `The vault file ${this.path} was changed or removed by another process since it was opened; reopen the vault and try again.`);
      }
      const doc: VaultDocument = { ...body, mac: computeMac(keys.macKey, body) };
      const text = serializeVault(doc);
      await writeFileAtomic(this.path, text);
      this.body = body;
      this.diskDigest = sha256(Buffer.from(text));
      after?.();
      return result;
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function profileView(r: ProfileRecord): ProfileView {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    region: r.region,
    appid: r.appid,
    ...(r.endpoint ? { endpoint: r.endpoint } : {}),
    ...(r.tlsCertificate ? { tlsCertificate: r.tlsCertificate } : {}),
    secretIdMasked: r.secretIdMasked,
    hasSessionToken: r.secrets.sessionToken !== undefined,
    created: r.created,
    updated: r.updated,
  };
}

function sseKeyView(r: SseKeyRecord): SseCustomerKeyView {
  return { id: r.id, name: r.name, md5Fingerprint: r.md5Fingerprint, created: r.created };
}
