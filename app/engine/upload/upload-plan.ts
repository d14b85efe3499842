// Turning what the user dropped (files, folders, streams) into a list of objects to write, before anything is
// sent: keys under the destination prefix (folders keep their relative paths, always with `/`), the count and
// the total bytes, and the part size each object will use. Sizes here come from a stat at planning time; the
// upload stats again, because a file may change between the two.
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import type { BucketEncryption } from '../../cos/client';
import { contentTypeFor } from './content-type';
import { boundedAll } from './semaphore';
import { UploadError, type UploadEncryption } from './upload-encryption';

export const MiB = 1024 * 1024;
/** COS's largest object (cos-protocol.md §9.1: 10,000 parts of up to 5 GB; the documented limit is 48.82 TiB). */
export const MAX_OBJECT_SIZE = Math.floor(48.82 * 1024 ** 4);
export const MAX_PARTS = 10_000;
/** COS's sizes for a part other than the last (cos-protocol.md: 1 MB–5 GB, in binary units as the store reads them). */
export const MIN_PART_SIZE = MiB;
export const MAX_PART_SIZE = 5 * 1024 * MiB;

export type FileSource = { kind: 'file'; path: string; /** Size at planning time (the upload stats again). */ size?: number };
export type StreamSource = {
  kind: 'stream';
  stream: Readable;
  /** Declared length, when known. */
  size?: number;
  /** A stream that can be given again from an offset (a page's file): its multipart upload is journalled. */
  resume?: StreamResume;
};

/**
 * What makes a stream's multipart upload resumable after a restart: the same source (identity, size and
 * modification time) given again continues from the parts the server holds, the stream starting after them.
 */
export interface StreamResume {
  /** Names the source across restarts (the journal's file path), e.g. "page:film.mov". */
  identity: string;
  mtimeMs: number;
  /** Called before the first read: the stream will begin at this byte (the parts before it are on the server). */
  startAt(offset: number): void;
}

export interface UploadItem {
  bucket: string;
  key: string;
  source: FileSource | StreamSource;
  encryption: UploadEncryption;
  /** Sent as the object's Content-Type; undefined leaves the client's default, application/octet-stream. */
  contentType?: string;
}

/**
 * A file or folder path (a folder keeps its own name: `photos/…`), a folder's contents only (`contents: true`: keys
 * relative to the folder itself), or a stream with the name its object gets under the prefix.
 */
export type SourceInput = string | { path: string; contents?: boolean } | { stream: Readable; name: string; size?: number; resume?: StreamResume };

export interface Destination {
  bucket: string;
  /** Key prefix; a trailing `/` is added when missing. */
  prefix?: string;
  encryption?: UploadEncryption;
  /** One Content-Type for every object (already checked); by default each is guessed from its file's name. */
  contentType?: string;
}

/** Something inside a dropped folder that will not be uploaded, and why (shown with the plan, never silent). */
export interface PlanSkip {
  path: string;
  reason: string;
}

export interface UploadPlan {
  kind: 'plan';
  bucket: string;
  /** The bucket's region (as the server reports it; the client's when it would not say). */
  region: string;
  prefix: string;
  items: UploadItem[];
  /** Entries of dropped folders left out: broken links, links to folders, devices, pipes, unreadable folders. */
  skipped: PlanSkip[];
  count: number;
  /** Sum of known sizes (streams without a declared size count as 0). */
  totalBytes: number;
  encryption: UploadEncryption;
  /** The bucket's default encryption: a config, null for none, 'unknown' when it could not be read. */
  bucketDefaultEncryption: BucketEncryption | null | 'unknown';
}

/**
 * The part size for an object of `size` bytes: the configured size, or larger when needed so the object fits in
 * 10,000 parts (rounded up to whole MiB).
 */
/** A plan from its parts: the count and the total are derived from the items, never carried separately. */
export function assemblePlan(parts: Omit<UploadPlan, 'kind' | 'count' | 'totalBytes'>): UploadPlan {
  return { kind: 'plan', ...parts, count: parts.items.length, totalBytes: parts.items.reduce((s, i) => s + (i.source.size ?? 0), 0) };
}

export function partSizeFor(size: number, configured: number): number {
  const needed = Math.ceil(Math.ceil(size / MAX_PARTS) / MiB) * MiB;
  return Math.max(configured, needed);
}

export function normalizePrefix(prefix: string | undefined): string {
  if (!prefix) return '';
  const p = prefix.replace(/\\/g, '/').replace(/^\/+/, '');
  return p === '' || p.endsWith('/') ? p : `${p}/`;
}

function toKey(prefix: string, rel: string): string {
  return prefix + rel.split(sep).join('/');
}

/**
 * Every regular file under `dir`, with what is left out and why. Links to files are followed; links to folders
 * are not (they can make cycles, and can lead far outside what was dropped). A subfolder that cannot be read is
 * skipped rather than failing the whole plan; the dropped folder itself must be readable.
 */
async function walk(dir: string, out: string[], skipped: PlanSkip[], top = true): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (top) throw err;
    skipped.push({ path: dir, reason: `the folder could not be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out, skipped, false);
    else if (e.isFile()) out.push(p);
    else if (e.isSymbolicLink()) {
      const st = await stat(p).catch((err: NodeJS.ErrnoException) => err);
      if (st instanceof Error) skipped.push({ path: p, reason: st.code === 'ENOENT' ? 'a link to something that does not exist' : `a link that could not be followed (${st.code ?? st.message})` });
      else if (st.isFile()) out.push(p);
      else if (st.isDirectory()) skipped.push({ path: p, reason: 'a link to a folder (not followed)' });
      else skipped.push({ path: p, reason: 'a link to something that is not a regular file' });
    } else skipped.push({ path: p, reason: 'not a regular file (a device, pipe or socket)' });
  }
}

/** Stats in flight while planning a folder: one at a time took ~60 ms per 1,000 files here, mostly waiting. */
const STAT_CONCURRENCY = 32;

/**
 * Items for the sources; a folder `photos` becomes keys `<prefix>photos/<relative path>` (`<prefix><relative path>`
 * for its contents). What a folder holds that cannot be uploaded is returned in `skipped`.
 */
export async function planItems(sources: SourceInput[], dest: Destination, encryption: UploadEncryption): Promise<{ items: UploadItem[]; skipped: PlanSkip[] }> {
  const prefix = normalizePrefix(dest.prefix);
  const items: UploadItem[] = [];
  const skipped: PlanSkip[] = [];
  for (const src of sources) {
    if (typeof src !== 'string' && 'stream' in src) {
      if (src.size !== undefined && src.size > MAX_OBJECT_SIZE) throw tooLarge(src.name, src.size);
      items.push({ bucket: dest.bucket, key: prefix + src.name, source: { kind: 'stream', stream: src.stream, size: src.size, ...(src.resume ? { resume: src.resume } : {}) }, encryption, contentType: dest.contentType ?? contentTypeFor(src.name) });
      continue;
    }
    const abs = resolve(typeof src === 'string' ? src : src.path);
    const st = await stat(abs);
    if (st.isDirectory()) {
      const files: string[] = [];
      await walk(abs, files, skipped);
      const parent = typeof src !== 'string' && src.contents ? abs : resolve(abs, '..');
      // A file deleted between the listing and its stat is no longer part of what was dropped.
      const sizes = await boundedAll(files, STAT_CONCURRENCY, (file) => stat(file).then((st) => st.size, (err: NodeJS.ErrnoException) => err));
      files.forEach((file, i) => {
        const size = sizes[i]!;
        if (size instanceof Error) return void skipped.push({ path: file, reason: size.code === 'ENOENT' ? 'it disappeared while the upload was planned' : `it could not be read (${size.code ?? size.message})` });
        items.push({ bucket: dest.bucket, key: toKey(prefix, relative(parent, file)), source: { kind: 'file', path: file, size }, encryption, contentType: dest.contentType ?? contentTypeFor(file) });
      });
    } else if (st.isFile()) {
      items.push({ bucket: dest.bucket, key: prefix + basename(abs), source: { kind: 'file', path: abs, size: st.size }, encryption, contentType: dest.contentType ?? contentTypeFor(abs) });
    } else {
      throw new UploadError('bad-source', `${abs} is neither a file nor a folder`);
    }
  }
  for (const item of items) {
    if (item.source.kind === 'file' && (item.source.size ?? 0) > MAX_OBJECT_SIZE) throw tooLarge(item.source.path, item.source.size ?? 0);
  }
  return { items, skipped };
}

function tooLarge(what: string, size: number): UploadError {
  return new UploadError('too-large', `${what} is ${size} bytes; COS objects can be at most ${MAX_OBJECT_SIZE} bytes (48.82 TiB)`);
}
