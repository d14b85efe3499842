// Small files the browser-mode host hands over once as an attachment (GET DOWNLOAD_PATH<id>?token=…, the same
// token-checked route as finished downloads) and then forgets: an exported SSE-C key. Held in memory only (never
// written to a temporary file), for a minute at most, and wiped once served or expired, so the key never travels in
// a WebSocket frame and is not left lying around.
import { randomUUID } from 'node:crypto';

interface Offer {
  name: string;
  bytes: Buffer;
  timer: NodeJS.Timeout;
}

export const ONE_TIME_TTL_MS = 60_000;

export class OneTimeDownloads {
  private readonly offers = new Map<string, Offer>();

  /** Keeps a copy of `bytes` (the caller may wipe its own) and answers the id to fetch it with. */
  offer(name: string, bytes: Buffer, ttlMs = ONE_TIME_TTL_MS): string {
    const id = `once-${randomUUID()}`;
    const timer = setTimeout(() => this.drop(id), ttlMs);
    timer.unref?.();
    this.offers.set(id, { name, bytes: Buffer.from(bytes), timer });
    return id;
  }

  /** Whether `id` is waiting (a HEAD request), without using it up. */
  peek(id: string): { name: string; size: number } | undefined {
    const o = this.offers.get(id);
    return o && { name: o.name, size: o.bytes.length };
  }

  /**
   * The offer, removed: it is served once. The caller sends `bytes` and then calls `wipe()`, which zeroes the copy
   * kept here.
   */
  take(id: string): { name: string; bytes: Buffer; wipe(): void } | undefined {
    const o = this.offers.get(id);
    if (!o) return undefined;
    clearTimeout(o.timer);
    this.offers.delete(id);
    return { name: o.name, bytes: o.bytes, wipe: () => o.bytes.fill(0) };
  }

  /** Forgets every offer (quitting). */
  clear(): void {
    for (const id of [...this.offers.keys()]) this.drop(id);
  }

  private drop(id: string): void {
    const o = this.offers.get(id);
    if (!o) return;
    clearTimeout(o.timer);
    o.bytes.fill(0);
    this.offers.delete(id);
  }
}
