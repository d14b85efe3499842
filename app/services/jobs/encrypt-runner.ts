// An encrypt-in-place job: objects (named keys, and everything under named folders) given server-side encryption
// without their bytes passing through this machine (engine/encrypt-in-place.ts: a guarded copy onto itself that
// keeps metadata and ACL, then a verifying HEAD). Objects already encrypted, in any mode, are left alone and count
// as done. Four copies at once; pause lets the copies in flight finish and starts no new one.
import type { CosClient, SseRequest } from '../../cos/client';
import type { EncryptionStatusService } from '../../engine/encryption-status';
import { encryptObject } from '../encrypt-object';
import { stateOf, stateOfEcho, type EncryptionStateView } from '../status-scheduler';
import { ItemRunner, type ItemWork, type RunnerItem } from './item-runner';

export interface EncryptItem extends RunnerItem {
  etag?: string;
  lastModified?: string;
}

export class EncryptRunner extends ItemRunner<EncryptItem> {
  constructor(
    private readonly client: CosClient,
    private readonly statuses: EncryptionStatusService,
    private readonly bucket: string,
    private readonly encryption: SseRequest,
    private readonly opts: { region?: string; concurrency?: number } = {},
  ) {
    super(opts.concurrency ?? 4, false);
  }

  async expand(keys: string[], prefixes: string[], skip: ReadonlySet<string>): Promise<void> {
    try {
      this.add(keys.filter((k) => !skip.has(k)).map((key) => ({ key })));
      for (const prefix of prefixes) {
        for await (const page of this.client.listObjectPages(this.bucket, { prefix, region: this.opts.region })) {
          this.add(page.contents.filter((o) => !o.key.endsWith('/') && !skip.has(o.key)).map((o) => ({ key: o.key, size: o.size, etag: o.etag, lastModified: o.lastModified })));
        }
      }
      this.close();
    } catch (err) {
      this.failListing(prefixes.join(', '), err);
    }
  }

  protected async work(item: EncryptItem, w: ItemWork): Promise<{ etag?: string; state: EncryptionStateView }> {
    // The rule for one object is every front end's (services/encrypt-object.ts).
    const r = await encryptObject(this.client, this.statuses, { bucket: this.bucket, ...item }, { encryption: this.encryption, region: this.opts.region, signal: w.signal });
    if (r.state === 'already-encrypted') {
      w.setBytes(item.size ?? 0, item.size ?? 0);
      return { etag: item.etag, state: stateOf(r.now) };
    }
    const res = r.result;
    if (!res.acl.kept) w.notice(`cos://${this.bucket}/${item.key}: ${res.acl.reason}`);
    w.setBytes(res.after.size, res.after.size);
    return { etag: res.after.etag, state: stateOfEcho(res.after.encryption) };
  }
}
