// Master-key rotation without re-encrypting data: a new master version becomes active, object keys still wrapped
// by older versions are re-wrapped lazily when read and by a resumable background pass, and an old version is
// retired only once nothing references it.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../store';
import type { MasterKeyInfo } from '../sse/keyring';
import type { ObjectRecord } from '../meta/metadata-db';
import { masterKid, openObjectKey, rewrapObjectKey } from './object-encryption';
import type { SseRecord } from './sse-request';
import { crashPoint } from '../crash-points';

interface PassState {
  after: { bucket: string; key: string } | null;
  rewrapped: number;
  done: boolean;
}

const BATCH = 500;
const CHECK_INTERVAL_MS = 6 * 60 * 60 * 1000;

export class KeyRotation {
  private queue = new Map<string, { bucket: string; key: string }>();
  private draining: Promise<void> | null = null;
  private pass: Promise<number> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly store: Store) {}

  private get statePath(): string {
    return join(this.store.config.dataDir, 'rewrap-state.json');
  }

  /** Starts the periodic check for automatic rotation and resumes an interrupted re-wrap pass. */
  async start(): Promise<void> {
    await this.maybeAutoRotate();
    const state = await this.readState();
    if (state && !state.done) this.startPass();
    this.timer = setInterval(() => void this.maybeAutoRotate(), CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.draining;
    await this.pass?.catch(() => 0);
  }

  async maybeAutoRotate(): Promise<MasterKeyInfo | null> {
    if (!this.store.keys.keyring.needsRotation(this.store.config.rotationDays)) return null;
    this.store.config.log('master key reached its rotation period; rotating');
    return this.rotateNow();
  }

  /** Makes a new master key active and starts the background re-wrap pass. */
  async rotateNow(): Promise<MasterKeyInfo> {
    const info = await this.store.keys.keyring.rotate();
    // The data folder learns the new key's check value before any older key can be retired (store-binding.ts).
    await this.store.binding.remember(this.store.keys.keyring);
    await this.writeState({ after: null, rewrapped: 0, done: false });
    this.startPass();
    return info;
  }

  /** Called on reads: queue an object whose key is wrapped by an older master version (no write in the request). */
  noteRead(rec: ObjectRecord): void {
    const sse = rec.sse as SseRecord | null;
    if (!sse || sse.mode !== 'AES256' || this.stopped) return;
    if (masterKid(sse) === this.store.keys.keyring.activeKid) return;
    if (this.queue.size >= 10_000) return;
    this.queue.set(`${rec.bucket}\n${rec.key}`, { bucket: rec.bucket, key: rec.key });
    if (!this.draining) {
      this.draining = (async () => {
        await new Promise((r) => setImmediate(r));
        while (this.queue.size > 0 && !this.stopped) {
          const [id, item] = this.queue.entries().next().value as [string, { bucket: string; key: string }];
          this.queue.delete(id);
          const current = this.store.meta.getObject(item.bucket, item.key);
          if (current) this.rewrapOne(current);
        }
      })().finally(() => {
        this.draining = null;
      });
    }
  }

  /** Re-wraps one object's key under the active master key; false if nothing to do or it changed meanwhile. */
  rewrapOne(rec: ObjectRecord): boolean {
    const sse = rec.sse as SseRecord | null;
    if (!sse || sse.mode !== 'AES256') return false;
    const keyring = this.store.keys.keyring;
    if (masterKid(sse) === keyring.activeKid) return false;
    const ctx = this.store.wrapContext(rec);
    const oek = openObjectKey(sse, ctx, this.store.keys, null);
    try {
      const next = rewrapObjectKey(sse, oek, ctx, this.store.keys, null);
      return this.store.meta.updateObjectSse(rec.bucket, rec.key, { dataIds: rec.parts.map((p) => p.dataId) }, next.record as unknown as Record<string, unknown>, next.sseKid);
    } finally {
      oek.fill(0);
    }
  }

  /** Runs (or joins) the resumable pass over every object; resolves with the number re-wrapped. */
  startPass(): Promise<number> {
    if (!this.pass) {
      this.pass = this.runPass().finally(() => {
        this.pass = null;
      });
      this.pass.catch((err) => this.store.config.log(`key re-wrap pass stopped: ${(err as Error).message}`));
    }
    return this.pass;
  }

  private async runPass(): Promise<number> {
    const state = (await this.readState()) ?? { after: null, rewrapped: 0, done: false };
    state.done = false;
    while (!this.stopped) {
      const batch = this.store.meta.iterateObjects(state.after, BATCH);
      if (batch.length === 0) break;
      for (const rec of batch) {
        try {
          if (this.rewrapOne(rec)) state.rewrapped++;
        } catch (err) {
          this.store.config.log(`could not re-wrap ${rec.bucket}/${rec.key}: ${(err as Error).message}`);
        }
      }
      const last = batch[batch.length - 1]!;
      state.after = { bucket: last.bucket, key: last.key };
      await this.writeState(state);
      crashPoint('rewrap:mid-pass');
      await new Promise((r) => setImmediate(r)); // yield to foreground requests
    }
    if (!this.stopped) {
      state.done = true;
      await this.writeState(state);
      await this.retireUnreferenced();
    }
    return state.rewrapped;
  }

  /** Retires every decrypt-only master version that no object or open upload references any more. */
  async retireUnreferenced(): Promise<number[]> {
    const keyring = this.store.keys.keyring;
    // Normally a no-op: rotateNow already recorded the active key's check value, which must be known before the
    // keys it was recognised by are retired.
    await this.store.binding.remember(keyring);
    const retired: number[] = [];
    for (const k of keyring.list()) {
      if (k.state !== 'decrypt-only') continue;
      if (this.store.meta.referencesKid(k.id) === 0) {
        await keyring.retire(k.id);
        retired.push(k.id);
        this.store.config.log(`master key ${k.id} retired: no object references it`);
      }
    }
    return retired;
  }

  private async readState(): Promise<PassState | null> {
    try {
      return JSON.parse(await readFile(this.statePath, 'utf8')) as PassState;
    } catch {
      return null;
    }
  }

  private async writeState(state: PassState): Promise<void> {
    const tmp = `${this.statePath}.tmp`;
    await writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
    await rename(tmp, this.statePath);
  }
}
