// SSE-KMS backed by a local key service: customer master keys (CMKs) in one owner-only JSON file, written
// atomically. The store wraps each OEK with a CMK's material (label "kms:<keyId>") and binds the request's
// encryption context into the wrap; COS's "default CMK when none is named" is defaultKeyId().

import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CosError } from '../http/cos-error';
import { decodeBase64Strict } from './sse-encoding';
import { enforceSecretMode, writeSecretFile } from './secret-file';
import { makeDirs } from '../../platform/make-dirs';

export interface KmsKeyInfo {
  keyId: string;
  alias?: string;
  description?: string;
  created: string;
  enabled: boolean;
}

interface KmsKey extends KmsKeyInfo {
  material: Buffer;
}

const FORMAT = 'coffer-local-kms/1';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DEFAULT_ALIAS = 'cos/default';
/** Bounds what a request header can make us parse and bind. */
const MAX_CONTEXT_BYTES = 8192;

export class LocalKms {
  private lock: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly path: string,
    private keys: KmsKey[],
    private defaultId: string | undefined,
  ) {}

  static async open(path: string, opts: { onWarning?: (message: string) => void } = {}): Promise<LocalKms> {
    const file = resolve(path);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await makeDirs(dirname(file), 0o700);
      try {
        await writeSecretFile(file, serialize([], undefined), { exclusive: true });
        return new LocalKms(file, [], undefined);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        text = await readFile(file, 'utf8');
      }
    }
    const { fixed, was } = await enforceSecretMode(file);
    if (fixed) opts.onWarning?.(`KMS key file ${file} had mode 0${was.toString(8)}; changed it to 0600 (owner only)`);
    const { keys, defaultKeyId } = parse(text, file);
    return new LocalKms(file, keys, defaultKeyId);
  }

  async createKey(opts: { alias?: string; description?: string } = {}): Promise<{ keyId: string; created: string }> {
    return this.exclusive(() => this.create(opts));
  }

  list(): KmsKeyInfo[] {
    return this.keys.map(info);
  }

  /** A copy of the key material (the caller should wipe it); undefined for an unknown or disabled key. */
  material(keyId: string): Buffer | undefined {
    const k = this.keys.find((x) => x.keyId === keyId);
    return k && k.enabled ? Buffer.from(k.material) : undefined;
  }

  /** Disabling a key makes objects sealed with it unreadable until it is enabled again (as in COS/KMS). */
  async setEnabled(keyId: string, enabled: boolean): Promise<void> {
    return this.exclusive(async () => {
      if (!this.keys.some((k) => k.keyId === keyId)) throw new Error(`KMS key ${keyId} does not exist`);
      const next = this.keys.map((k) => (k.keyId === keyId ? { ...k, enabled } : k));
      await writeSecretFile(this.path, serialize(next, this.defaultId), { backup: true });
      this.keys = next;
    });
  }

  /** The key used when a request names none, created (and remembered) on first use. */
  async defaultKeyId(): Promise<string> {
    if (this.defaultId) return this.defaultId;
    return this.exclusive(async () => {
      if (this.defaultId) return this.defaultId; // created while we waited for the lock
      const { keyId } = await this.create(
        { alias: DEFAULT_ALIAS, description: 'Default key created by Coffer for SSE-KMS requests that name no key' },
        true,
      );
      return keyId;
    });
  }

  private async create(
    opts: { alias?: string; description?: string },
    asDefault = false,
  ): Promise<{ keyId: string; created: string }> {
    if (opts.alias !== undefined) {
      if (typeof opts.alias !== 'string' || !/^[\w/.-]{1,64}$/.test(opts.alias)) {
        throw new Error('KMS alias must be 1-64 characters of letters, digits, "_", "-", "." or "/"');
      }
      if (this.keys.some((k) => k.alias === opts.alias)) throw new Error(`KMS alias ${opts.alias} is already in use`);
    }
    const key: KmsKey = {
      keyId: randomUUID(),
      created: new Date().toISOString(),
      enabled: true,
      material: randomBytes(32),
      ...(opts.alias !== undefined ? { alias: opts.alias } : {}),
      ...(opts.description !== undefined ? { description: String(opts.description) } : {}),
    };
    const next = [...this.keys, key];
    const nextDefault = asDefault ? key.keyId : this.defaultId;
    await writeSecretFile(this.path, serialize(next, nextDefault), { backup: true });
    this.keys = next;
    this.defaultId = nextDefault;
    return { keyId: key.keyId, created: key.created };
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }
}

/**
 * Validates `x-cos-server-side-encryption-context` (base64 of a JSON object of string → string) and returns a
 * canonical form (keys sorted) so that the same context always binds the same way into the wrap.
 */
export function parseKmsContext(b64: string | undefined): string | undefined {
  if (b64 === undefined) return undefined;
  const invalid = (why: string): CosError =>
    new CosError('InvalidArgument', `x-cos-server-side-encryption-context ${why}`);
  const raw = decodeBase64Strict(b64.trim());
  if (!raw || raw.length === 0) throw invalid('must be base64 of a JSON object');
  if (raw.length > MAX_CONTEXT_BYTES) throw invalid(`is larger than ${MAX_CONTEXT_BYTES} bytes`);
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch {
    throw invalid('is not valid UTF-8 JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalid('must be a JSON object');
  const entries = Object.entries(doc as Record<string, unknown>);
  for (const [k, v] of entries) {
    if (typeof v !== 'string') throw invalid(`value of ${JSON.stringify(k.slice(0, 64))} must be a string`);
  }
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(Object.fromEntries(entries));
}

function info(k: KmsKey): KmsKeyInfo {
  const out: KmsKeyInfo = { keyId: k.keyId, created: k.created, enabled: k.enabled };
  if (k.alias !== undefined) out.alias = k.alias;
  if (k.description !== undefined) out.description = k.description;
  return out;
}

function serialize(keys: KmsKey[], defaultKeyId: string | undefined): string {
  const doc = {
    format: FORMAT,
    ...(defaultKeyId ? { defaultKeyId } : {}),
    keys: keys.map((k) => ({ ...info(k), material: k.material.toString('base64') })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function parse(text: string, path: string): { keys: KmsKey[]; defaultKeyId: string | undefined } {
  const bad = (why: string): Error => new Error(`KMS key file ${path} is corrupt: ${why}`);
  let doc: { format?: unknown; defaultKeyId?: unknown; keys?: unknown };
  try {
    doc = JSON.parse(text);
  } catch {
    throw bad('not valid JSON');
  }
  if (typeof doc !== 'object' || doc === null || doc.format !== FORMAT || !Array.isArray(doc.keys)) {
    throw bad(`not a ${FORMAT} file`);
  }
  const keys: KmsKey[] = [];
  for (const raw of doc.keys as Array<Record<string, unknown>>) {
    const keyId = raw?.keyId;
    if (typeof keyId !== 'string' || !UUID_RE.test(keyId) || keys.some((k) => k.keyId === keyId)) {
      throw bad(`bad or duplicate keyId ${String(keyId)}`);
    }
    const material = typeof raw.material === 'string' ? decodeBase64Strict(raw.material) : undefined;
    if (!material || material.length !== 32) throw bad(`key ${keyId} material is not 32 bytes of base64`);
    if (typeof raw.created !== 'string' || typeof raw.enabled !== 'boolean') throw bad(`key ${keyId} lacks created/enabled`);
    keys.push({
      keyId,
      created: raw.created,
      enabled: raw.enabled,
      material,
      ...(typeof raw.alias === 'string' ? { alias: raw.alias } : {}),
      ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
    });
  }
  const def = doc.defaultKeyId;
  if (def !== undefined && (typeof def !== 'string' || !keys.some((k) => k.keyId === def))) {
    throw bad('defaultKeyId names no key in the file');
  }
  return { keys, defaultKeyId: def };
}
