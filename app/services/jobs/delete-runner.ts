// A delete job: objects, and whole folders with everything under them, deleted with the same controls as every
// job (pause, cancel, retry of what failed, listed again after a restart). A folder is listed page by page as it
// goes, so a folder of 100,000 objects starts at once and never sits in memory whole; eight deletes at a time.
// After a restart the job lists its folders again: what it deleted is no longer there.
import type { CosClient } from '../../cos/client';
import { ItemRunner, type ItemWork, type RunnerItem } from './item-runner';
import type { JobSpec } from './job-types';

type DeleteSpec = Extract<JobSpec, { kind: 'delete' }>;

export class DeleteRunner extends ItemRunner<RunnerItem> {
  constructor(
    private readonly client: CosClient,
    private readonly spec: DeleteSpec,
    private readonly opts: { region?: string; concurrency?: number } = {},
  ) {
    super(opts.concurrency ?? 8, false);
  }

  async expand(skip: ReadonlySet<string>): Promise<void> {
    try {
      this.add(this.spec.keys.filter((k) => !skip.has(k)).map((key) => ({ key })));
      for (const prefix of this.spec.prefixes) {
        // Without a delimiter: every object under the folder, its subfolders' and its own "folder/" marker included.
        for await (const page of this.client.listObjectPages(this.spec.bucket, { prefix, region: this.opts.region })) {
          this.add(page.contents.filter((o) => !skip.has(o.key)).map((o) => ({ key: o.key, size: o.size })));
        }
      }
      this.close();
    } catch (err) {
      this.failListing(this.spec.prefixes.join(', '), err);
    }
  }

  protected async work(item: RunnerItem, w: ItemWork): Promise<void> {
    // Deleting a key that is already gone succeeds (COS answers 204), so a job resumed after a restart is harmless.
    await this.client.deleteObject(this.spec.bucket, item.key, { region: this.opts.region, signal: w.signal });
    w.setBytes(item.size ?? 0, item.size ?? 0);
  }
}
