// What an upload request becomes before anything is sent. The contract names each item's object key (a file: its
// key; a folder: the prefix its contents go under; a page's file: its key), so items are planned one by one with
// the engine's planner (folder walk, skips, content types, size limits), after the engine's one check of the
// destination (the bucket exists; SSE is offered in its region), and the bucket's default encryption read once.
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { CosClient } from '../../cos/client';
import { readBucketDefaultEncryption } from '../../engine/bucket-settings';
import type { UploadEncryption, UploadEngine, UploadItem, UploadPlan } from '../../engine/upload';
import { assemblePlan, planItems, type PlanSkip, type SourceInput } from '../../engine/upload/upload-plan';
import { ServiceError } from '../errors';
import type { UploadEntry } from './job-types';

export interface PlanInput {
  bucket: string;
  prefix: string;
  entries: UploadEntry[];
  encryption: UploadEncryption;
  /**
   * The bytes of a page's file (browser mode), and how the stream starts after the parts an interrupted upload of
   * the same file holds; undefined when the entry is not to be sent.
   */
  streamFor(entry: UploadEntry): { stream: Readable; startAt(offset: number): void } | undefined;
  /** Keys finished by an earlier run of the same job. */
  skip: ReadonlySet<string>;
  /** The destination as an earlier plan of the same job found it: the next items of a growing upload ask nothing again. */
  known?: KnownDestination;
}

export type KnownDestination = Pick<UploadPlan, 'region' | 'bucketDefaultEncryption'>;

export async function planUpload(engine: UploadEngine, client: CosClient, input: PlanInput): Promise<UploadPlan> {
  const { bucket, encryption } = input;
  const region = input.known?.region ?? (await engine.checkDestination(bucket, encryption)).region;
  const items: UploadItem[] = [];
  const skipped: PlanSkip[] = [];
  const streams: SourceInput[] = [];
  for (const entry of input.entries) {
    const src = entry.source;
    if (src.kind === 'stream') {
      const pulled = input.streamFor(entry);
      // The key is the item's name with no prefix: the planner names a stream's object by it. The file is known
      // again after a restart by its name, size and modification time (all a page can tell of it).
      if (pulled && !input.skip.has(entry.key)) {
        const resume = { identity: pageFileIdentity(src.name), mtimeMs: Date.parse(src.lastModified), startAt: (offset: number) => pulled.startAt(offset) };
        streams.push({ stream: pulled.stream, name: entry.key, size: src.size, resume });
      }
      continue;
    }
    const st = await stat(src.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new ServiceError('not-found', 'ENOENT', `${src.path} does not exist (any more); nothing was uploaded.`, { path: src.path });
      throw err;
    });
    if (st.isDirectory()) {
      // A folder given as a file (the window takes the items of a big drop by their names: "holiday.jpg" may be a
      // folder) goes with what it holds, under its name.
      const prefix = entry.key.endsWith('/') ? entry.key : `${entry.key}/`;
      const planned = await planItems([{ path: src.path, contents: true }], { bucket, prefix }, encryption);
      items.push(...planned.items.filter((i) => !input.skip.has(i.key)));
      skipped.push(...planned.skipped);
    } else {
      if (entry.key.endsWith('/')) throw new ServiceError('usage', 'FileKey', `${src.path} is a file: its destination must be an object key, not a folder.`, { path: src.path });
      if (input.skip.has(entry.key)) continue;
      const slash = entry.key.lastIndexOf('/');
      const planned = await planItems([src.path], { bucket, prefix: entry.key.slice(0, slash + 1) }, encryption);
      // The planner names the object after the file; the request may name it otherwise.
      for (const item of planned.items) items.push({ ...item, key: entry.key });
      skipped.push(...planned.skipped);
    }
  }
  if (streams.length > 0) items.push(...(await planItems(streams, { bucket, prefix: '' }, encryption)).items);
  const bucketDefaultEncryption = input.known ? input.known.bucketDefaultEncryption : await readBucketDefaultEncryption(client, bucket, { region });
  return assemblePlan({ bucket, region, prefix: input.prefix, items, skipped, encryption, bucketDefaultEncryption });
}

/** The journal's "path" for a page's file: pages give no paths, so its name stands in (with its key, size and time). */
export function pageFileIdentity(name: string): string {
  return `page:${name}`;
}
