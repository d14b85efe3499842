// A delete job: objects, and whole folders with everything under them, deleted with the same controls as every
// job (pause, cancel, retry of what failed, listed again after a restart). A folder is listed page by page as it
// goes, so a folder of 100,000 objects starts at once and never sits in memory whole. The deletes go as Delete
// Multiple requests of up to 1000 keys (two in flight): the keys that come while a request is out make the next
// one, so a big folder costs a request per thousand objects, and a single file still goes at once.
// After a restart the job lists its folders again: what it deleted is no longer there.
// A folder's uploads that were started and never finished go too (each is an item): their parts are stored, and
// billed, until aborted, and nothing else in the window would show them once the folder is gone.
import type { CosClient } from '../../cos/client';
import { Semaphore } from '../../engine/upload/semaphore';
import { ServiceError } from '../errors';
import { ABORTS_IN_FLIGHT, type IncompleteUpload } from '../incomplete-uploads';
import { ItemRunner, type ItemWork, type RunnerItem } from './item-runner';
import type { JobSpec } from './job-types';

type DeleteSpec = Extract<JobSpec, { kind: 'delete' }>;

/** The unfinished multipart uploads under a folder, and how one is aborted (with this machine's resume journal). */
export interface UnfinishedUploads {
  list(prefix: string): Promise<IncompleteUpload[]>;
  abort(upload: IncompleteUpload): Promise<unknown>;
}

interface DeleteItem extends RunnerItem {
  /** An unfinished upload of this key to abort, rather than the object to delete. */
  upload?: IncompleteUpload;
}

/** Keys per Delete Multiple (the most COS takes), and such requests at once. */
const KEYS_PER_REQUEST = 1000;
const REQUESTS_IN_FLIGHT = 2;

export class DeleteRunner extends ItemRunner<DeleteItem> {
  private readonly batches: DeleteBatcher;
  private readonly aborts = new Semaphore(ABORTS_IN_FLIGHT);

  constructor(
    private readonly client: CosClient,
    private readonly spec: DeleteSpec,
    private readonly opts: { region?: string; unfinished?: UnfinishedUploads } = {},
  ) {
    // Items only wait for their batch here: as many as two requests carry may be under way.
    super(KEYS_PER_REQUEST * REQUESTS_IN_FLIGHT, false);
    this.batches = new DeleteBatcher(async (keys) => {
      const res = await this.client.deleteObjects(this.spec.bucket, keys, { region: this.opts.region, quiet: true });
      return new Map(res.errors.map((e) => [e.key, new ServiceError(e.code === 'AccessDenied' ? 'access' : 'failed', e.code, `cos://${this.spec.bucket}/${e.key} could not be deleted (${e.code}): ${e.message}`, { bucket: this.spec.bucket, key: e.key })]));
    });
  }

  async expand(skip: ReadonlySet<string>): Promise<void> {
    try {
      this.add(this.spec.keys.filter((k) => !skip.has(k)).map((key) => ({ key })));
      for (const prefix of this.spec.prefixes) {
        // Without a delimiter: every object under the folder, its subfolders' and its own "folder/" marker included.
        for await (const page of this.client.listObjectPages(this.spec.bucket, { prefix, region: this.opts.region })) {
          this.add(page.contents.filter((o) => !skip.has(o.key)).map((o) => ({ key: o.key, size: o.size })));
        }
        // Listed again after a restart (not skipped by key: an object deleted under the same key says nothing of
        // its upload); an upload already aborted is no longer listed.
        const unfinished = (await this.opts.unfinished?.list(prefix)) ?? [];
        this.add(unfinished.map((upload) => ({ key: upload.key, size: upload.bytes, upload })));
      }
      this.close();
    } catch (err) {
      this.failListing(this.spec.prefixes.join(', '), err);
    }
  }

  protected async work(item: DeleteItem, w: ItemWork): Promise<void> {
    // Deleting a key (or aborting an upload) that is already gone succeeds, so a job resumed after a restart is harmless.
    const upload = item.upload;
    if (upload) await this.aborts.run(() => this.opts.unfinished!.abort(upload));
    else await this.batches.delete(item.key);
    w.setBytes(item.size ?? 0, item.size ?? 0);
  }
}

/** Gathers single deletes into Delete Multiple requests; each key learns its own outcome. */
class DeleteBatcher {
  private pending: Array<{ key: string; settle(err?: Error): void }> = [];
  private inFlight = 0;

  constructor(private readonly send: (keys: string[]) => Promise<Map<string, Error>>) {}

  delete(key: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ key, settle: (err) => (err ? reject(err) : resolve()) });
      // After the current turn: the keys added in it go together.
      if (this.pending.length === 1) queueMicrotask(() => this.pump());
    });
  }

  private pump(): void {
    while (this.inFlight < REQUESTS_IN_FLIGHT && this.pending.length > 0) {
      const batch = this.pending.splice(0, KEYS_PER_REQUEST);
      this.inFlight++;
      void this.send(batch.map((b) => b.key))
        .then(
          (failed) => batch.forEach((b) => b.settle(failed.get(b.key))),
          (err: Error) => batch.forEach((b) => b.settle(err)),
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}
