// A move job: objects and whole folders renamed or moved inside a bucket (services/move.ts: a verified server-side
// copy keeping encryption, metadata and ACL, then the old key deleted), four at a time, with the same controls as
// every job. A folder is expanded page by page as it goes. After a restart the job lists its folders again: what it
// moved is no longer there, and an object copied but not yet deleted is recognised at its destination and finished.
import type { CosClient } from '../../cos/client';
import { moveObject, expandMoves } from '../move';
import type { SseCKeySource } from '../object-details';
import { stateOfEcho, type EncryptionStateView } from '../status-scheduler';
import { ItemRunner, type ItemWork, type RunnerItem } from './item-runner';
import type { JobSpec } from './job-types';

export interface MoveItem extends RunnerItem {
  to: string;
}

type MoveSpecOf = Extract<JobSpec, { kind: 'move' }>;

export class MoveRunner extends ItemRunner<MoveItem> {
  constructor(
    private readonly client: CosClient,
    private readonly spec: MoveSpecOf,
    private readonly keys: SseCKeySource,
    private readonly opts: { region?: string; concurrency?: number; multipartThreshold?: number } = {},
  ) {
    super(opts.concurrency ?? 4, false);
  }

  async expand(skip: ReadonlySet<string>): Promise<void> {
    try {
      for await (const batch of expandMoves(this.client, this.spec.bucket, this.spec.moves, this.opts.region)) {
        this.add(batch.filter((i) => !skip.has(i.from)).map((i) => ({ key: i.from, to: i.to, size: i.size })));
      }
      this.close();
    } catch (err) {
      this.failListing(this.spec.moves.map((m) => m.from).join(', '), err);
    }
  }

  protected async work(item: MoveItem, w: ItemWork): Promise<{ etag?: string; state?: EncryptionStateView; movedTo?: string }> {
    const r = await moveObject(this.client, {
      bucket: this.spec.bucket,
      from: item.key,
      to: item.to,
      onConflict: this.spec.onConflict,
      keys: this.keys,
      region: this.opts.region,
      signal: w.signal,
      multipartThreshold: this.opts.multipartThreshold,
    });
    for (const n of r.notices) w.notice(n);
    w.setBytes(r.size, r.size);
    if (r.outcome === 'skipped') return {};
    return { etag: r.etag, state: stateOfEcho(r.encryption), movedTo: r.key };
  }
}
