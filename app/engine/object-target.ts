// What a cos:// address names, decided in one place for every command and for the app. A recursive command reads
// a name as a folder, as rclone and gsutil do: `cos://b/pics` means the object `pics` (if there is one) and
// everything under `pics/`, never `pics2/…` or `picsX.txt`, which a raw prefix `pics` would also match; deleting or
// downloading those neighbours by accident is what this rule prevents. An address ending in `/` (or the bare
// bucket) names only what is under it. A command that is not recursive names exactly one object.
import type { CosClient, ObjectSummary } from '../cos/client';

export interface ObjectTarget {
  /** The object the address names itself (`pics`), when there may be one. */
  exactKey?: string;
  /** Everything under this folder (`''` for the whole bucket, else ending in `/`); absent for one object. */
  prefix?: string;
}

/** The rule: the key of a `cos://bucket/key` address, and whether the command is recursive. */
export function resolveTarget(key: string, recursive: boolean): ObjectTarget {
  if (!recursive) return { exactKey: key };
  if (key === '' || key.endsWith('/')) return { prefix: key };
  return { exactKey: key, prefix: `${key}/` };
}

/**
 * Where relative paths start when a target becomes local files: the named folder keeps its name
 * (`cos://b/photos/album` → `album/…`), while `cos://b/photos/album/` gives its contents (`…`), as uploads read a
 * local `album` and `album/`.
 */
export function targetBase(target: ObjectTarget): string {
  const named = target.exactKey ?? target.prefix ?? '';
  return named.slice(0, named.lastIndexOf('/') + 1);
}

/** Where a target is, for messages, with its preposition: `at cos://b/pics and under cos://b/pics/`, `under cos://b/pics/`, `in cos://b`. */
export function describeTarget(bucket: string, target: ObjectTarget): string {
  const at = (k: string) => `cos://${bucket}/${k}`;
  if (target.prefix === undefined) return `at ${at(target.exactKey ?? '')}`;
  const under = target.prefix === '' ? `in cos://${bucket}` : `under ${at(target.prefix)}`;
  return target.exactKey !== undefined ? `at ${at(target.exactKey)} and ${under}` : under;
}

/** What an empty target means, for "nothing found" messages: `there is no object cos://b/pics and nothing under cos://b/pics/`. */
export function describeEmptyTarget(bucket: string, target: ObjectTarget): string {
  const at = (k: string) => `cos://${bucket}/${k}`;
  if (target.prefix === undefined) return `there is no object ${at(target.exactKey ?? '')}`;
  const under = target.prefix === '' ? `the bucket cos://${bucket} is empty` : `there is nothing under ${at(target.prefix)}`;
  return target.exactKey !== undefined ? `there is no object ${at(target.exactKey)} and nothing under ${at(target.prefix)}` : under;
}

export interface TargetPage {
  contents: ObjectSummary[];
  /** Folders one level down (only with a delimiter). */
  commonPrefixes: string[];
}

export interface ListTargetOptions {
  /** `/` lists one level under the folder (its subfolders as common prefixes). */
  delimiter?: string;
  signal?: AbortSignal;
  region?: string;
}

/**
 * The objects a target names, page by page as the caller iterates: the exact object first (when it exists; it
 * sorts before everything under its folder anyway), then the folder's listing. Keys are returned as listed,
 * in the listing's order.
 */
export async function* listTarget(client: CosClient, bucket: string, target: ObjectTarget, opts: ListTargetOptions = {}): AsyncGenerator<TargetPage> {
  const { signal, region } = opts;
  if (target.exactKey !== undefined) {
    const exact = await findObject(client, bucket, target.exactKey, { signal, region });
    if (exact) yield { contents: [exact], commonPrefixes: [] };
  }
  if (target.prefix === undefined) return;
  for await (const page of client.listObjectPages(bucket, { prefix: target.prefix, delimiter: opts.delimiter, signal, region })) {
    yield { contents: page.contents, commonPrefixes: page.commonPrefixes };
  }
}

/**
 * One object's listing entry, or undefined when there is none. A listing (not a HEAD) so it works for SSE-C objects
 * without their key; the key sorts first among the keys it prefixes, so one entry is enough.
 */
export async function findObject(client: CosClient, bucket: string, key: string, opts: { signal?: AbortSignal; region?: string } = {}): Promise<ObjectSummary | undefined> {
  const page = await client.listObjects(bucket, { prefix: key, maxKeys: 1, ...opts });
  return page.contents.find((c) => c.key === key);
}

/** Whether anything at all lies under a folder (one listed key is enough). */
export async function folderHasObjects(client: CosClient, bucket: string, prefix: string, opts: { signal?: AbortSignal; region?: string } = {}): Promise<boolean> {
  const page = await client.listObjects(bucket, { prefix, maxKeys: 1, ...opts });
  return page.contents.length > 0;
}
