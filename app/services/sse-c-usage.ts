// Which objects this app encrypted with each SSE-C key of the vault, so that removing a key can say what may still
// need it ("12 objects, among them photos/2026/a.jpg …"). COS itself cannot tell: a HEAD of an SSE-C object without
// its key answers only "a key is needed". Kept in COFFER_HOME/sse-c-usage.json by vault key id (never the key): a
// count and the most recent objects per key, written a moment after uploads finish (atomically, owner-only).
// Objects encrypted with the key elsewhere (`coffer cp`, another machine) are not known, and an object deleted since
// is still counted: the warning says "may".
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SseChoice } from '../../shared/contract';
import { writeFileAtomic } from '../platform/durable-fs';

export interface KeyUse {
  connectionId: string;
  bucket: string;
  key: string;
}

interface UsageRecord {
  count: number;
  /** Newest first, at most RECENT. */
  recent: KeyUse[];
}

const RECENT = 20;
const SAVE_DELAY_MS = 500;

export class SseCUsage {
  private records?: Map<string, UsageRecord>;
  private loading?: Promise<Map<string, UsageRecord>>;
  private saveTimer?: NodeJS.Timeout;
  private saving: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(readonly home: string) {}

  get file(): string {
    return join(this.home, 'sse-c-usage.json');
  }

  /** Notes an object written with `sse`; only SSE-C choices are kept. */
  note(sse: SseChoice | null | undefined, use: KeyUse): Promise<void> {
    if (sse?.mode !== 'sse-c') return Promise.resolve();
    const id = sse.vaultKeyId;
    const entry = { connectionId: use.connectionId, bucket: use.bucket, key: use.key };
    return this.load().then((records) => {
      const r = records.get(id) ?? { count: 0, recent: [] };
      const recent = [entry, ...r.recent.filter((u) => u.key !== use.key || u.bucket !== use.bucket || u.connectionId !== use.connectionId)].slice(0, RECENT);
      records.set(id, { count: r.count + 1, recent });
      this.dirty = true;
      this.scheduleSave();
    });
  }

  async of(id: string): Promise<UsageRecord> {
    const r = (await this.load()).get(id);
    return r ? { count: r.count, recent: [...r.recent] } : { count: 0, recent: [] };
  }

  /** The key left the vault: what it protected is no longer Coffer's to know. */
  async forget(id: string): Promise<void> {
    if ((await this.load()).delete(id)) {
      this.dirty = true;
      await this.flush();
    }
  }

  /** Writes what is pending now (quitting, tests). */
  async flush(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const records = await this.load();
    if (!this.dirty) return this.saving;
    this.dirty = false;
    const doc = { format: 'coffer-sse-c-usage/1', keys: Object.fromEntries(records) };
    this.saving = this.saving.then(() => writeFileAtomic(this.file, `${JSON.stringify(doc)}\n`, 0o600)).catch(() => undefined);
    await this.saving;
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => void this.flush(), SAVE_DELAY_MS);
    this.saveTimer.unref?.();
  }

  private load(): Promise<Map<string, UsageRecord>> {
    if (this.records) return Promise.resolve(this.records);
    this.loading ??= readFile(this.file, 'utf8').then(
      (text) => (this.records = parse(text)),
      // No file yet, or an unreadable one: the warning then knows nothing, which it says; nothing else depends on it.
      () => (this.records = new Map()),
    );
    return this.loading;
  }
}

function parse(text: string): Map<string, UsageRecord> {
  const out = new Map<string, UsageRecord>();
  let doc: { keys?: unknown };
  try {
    doc = JSON.parse(text) as { keys?: unknown };
  } catch {
    return out;
  }
  if (typeof doc.keys !== 'object' || doc.keys === null) return out;
  for (const [id, value] of Object.entries(doc.keys as { [id: string]: unknown })) {
    const v = value as Partial<UsageRecord> | null;
    if (!v || typeof v.count !== 'number' || !Array.isArray(v.recent)) continue;
    const recent = v.recent.filter((u): u is KeyUse => !!u && typeof u.connectionId === 'string' && typeof u.bucket === 'string' && typeof u.key === 'string').slice(0, RECENT);
    out.set(id, { count: Math.max(v.count, recent.length), recent });
  }
  return out;
}
