// A download job: objects (named keys, and everything under named folders) into a folder on this machine, four
// at a time, each through the engine's resumable, CRC64-checked download (a partial `.coffer-part` file beside the
// destination, renamed into place only when verified). Pausing stops the downloads in flight and keeps their
// partial files, so resume (also after a restart) continues each from where it stopped. A folder keeps its name
// under the destination (`photos/2026/` → `<dest>/2026/…`); keys that cannot be a safe path are refused by name.
import { unlink, realpath } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { CosClient } from '../../cos/client';
import { downloadObject, safeJoin, tempPathsFor, UnsafeKeyError } from '../../engine/download';
import { isInside } from '../../engine/download/safe-path';
import { makeDirs } from '../../platform/make-dirs';
import { stateOfEcho, type EncryptionStateView } from '../status-scheduler';
import { needsSseCKey } from '../sse-c-keys';
import { ItemRunner, type ItemWork, type RunnerItem } from './item-runner';

export interface DownloadItem extends RunnerItem {
  /** Where the object goes, or why it cannot go anywhere. */
  dest: { ok: true; path: string } | { ok: false; reason: string };
}

/** `photos/2026/` → `photos/`: the folder's parent, so the folder keeps its own name under the destination. */
export function folderBase(prefix: string): string {
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return trimmed.slice(0, trimmed.lastIndexOf('/') + 1);
}

export class DownloadRunner extends ItemRunner<DownloadItem> {
  /** `destination`: the folder everything goes into; undefined when one object is saved under a chosen file name. */
  constructor(
    private readonly client: CosClient,
    private readonly bucket: string,
    private readonly destination: string | undefined,
    private readonly opts: {
      sseCustomerKey?: Buffer;
      region?: string;
      concurrency?: number;
      /** The vault key that opens an SSE-C object, asked only when the object was refused for want of one. */
      sseCustomerKeyFor?: (client: CosClient, bucket: string, key: string) => Promise<Buffer | undefined>;
    } = {},
  ) {
    super(opts.concurrency ?? 4, true);
  }

  /**
   * The items for the named keys and folders, listed page by page; `skip` holds keys already downloaded. With
   * `asFile`, the one key named is saved as that file.
   */
  async expand(keys: string[], prefixes: string[], skip: ReadonlySet<string>, asFile?: string): Promise<void> {
    if (asFile !== undefined) {
      this.add(keys.filter((k) => !skip.has(k)).map((key) => ({ key, dest: { ok: true as const, path: resolve(asFile) } })));
      this.close();
      return;
    }
    const root = resolve(this.destination ?? '.');
    try {
      const named = keys.filter((k) => !skip.has(k)).map((key) => ({ key, dest: safeJoin(root, basename(key)) }));
      this.add(named);
      for (const prefix of prefixes) {
        const base = folderBase(prefix);
        for await (const page of this.client.listObjectPages(this.bucket, { prefix, region: this.opts.region })) {
          const items: DownloadItem[] = [];
          for (const o of page.contents) {
            const rel = o.key.slice(base.length);
            if (rel.endsWith('/')) {
              // A folder marker: the folder is made, nothing is downloaded.
              const dir = safeJoin(root, rel.slice(0, -1));
              if (dir.ok) await makeDirs(dir.path);
              continue;
            }
            if (!skip.has(o.key)) items.push({ key: o.key, size: o.size, dest: safeJoin(root, rel) });
          }
          this.add(items);
        }
      }
      this.close();
    } catch (err) {
      this.failListing(prefixes.join(', '), err);
    }
  }

  protected async work(item: DownloadItem, w: ItemWork): Promise<{ etag: string; state: EncryptionStateView }> {
    if (!item.dest.ok) throw new UnsafeKeyError(this.bucket, item.key, item.dest.reason);
    const dest = item.dest.path;
    const folder = dirname(dest);
    await makeDirs(folder);
    // A link planted inside the destination could lead anywhere: the real folder must still be inside.
    const root = await realpath(this.destination === undefined ? folder : resolve(this.destination));
    if (!isInside(root, await realpath(folder))) throw new UnsafeKeyError(this.bucket, item.key, 'its folder is a link that leads outside the destination folder');
    let saidResumed = false;
    const download = (sseCustomerKey: Buffer | undefined) =>
      downloadObject(this.client, {
        bucket: this.bucket,
        key: item.key,
        dest,
        sseCustomerKey,
        region: this.opts.region,
        signal: w.signal,
        onProgress: (p) => {
          if (p.resumedFrom > 0 && !saidResumed) {
            saidResumed = true;
            w.notice(`continuing the interrupted download of ${item.key} (${p.resumedFrom} bytes were already here)`);
          }
          w.setBytes(p.receivedBytes, p.totalBytes);
        },
      });
    let res;
    try {
      res = await download(this.opts.sseCustomerKey);
    } catch (err) {
      // An SSE-C object: COS does not say which key it needs, so the vault's keys are tried (sse-c-keys.ts).
      const found = this.opts.sseCustomerKey === undefined && needsSseCKey(err) ? await this.opts.sseCustomerKeyFor?.(this.client, this.bucket, item.key) : undefined;
      if (!found) throw err;
      try {
        res = await download(found);
      } finally {
        found.fill(0);
      }
    }
    return { etag: res.etag, state: stateOfEcho(res.encryption) };
  }

  /** A cancelled download leaves nothing behind: its partial file and sidecar go. */
  protected override async discard(item: DownloadItem): Promise<void> {
    if (!item.dest.ok) return;
    const { temp, sidecar } = tempPathsFor(item.dest.path);
    await unlink(temp).catch(() => undefined);
    await unlink(sidecar).catch(() => undefined);
  }
}
