// Turning what the user dropped (files, folders, streams) into a list of objects to write, before anything is
// sent: keys under the destination prefix (folders keep their relative paths, always with `/`), the count and
// the total bytes, and the part size each object will use. Sizes here come from a stat at planning time; the
// upload stats again, because a file may change between the two.
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import type { BucketEncryption } from '../../cos/client';
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
export type StreamSource = { kind: 'stream'; stream: Readable; /** Declared length, when known. */ size?: number };

export interface UploadItem {
  bucket: string;
  key: string;
  source: FileSource | StreamSource;
  encryption: UploadEncryption;
  contentType?: string;
}

/**
 * A file or folder path (a folder keeps its own name: `photos/…`), a folder's contents only (`contents: true`: keys
 * relative to the folder itself), or a stream with the name its object gets under the prefix.
 */
export type SourceInput = string | { path: string; contents?: boolean } | { stream: Readable; name: string; size?: number };

export interface Destination {
  bucket: string;
  /** Key prefix; a trailing `/` is added when missing. */
  prefix?: string;
  encryption?: UploadEncryption;
}

export interface UploadPlan {
  kind: 'plan';
  bucket: string;
  prefix: string;
  items: UploadItem[];
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

/** Every regular file under `dir` (symlinks to files followed; directory symlinks skipped to avoid cycles). */
async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (e.isFile()) out.push(p);
    else if (e.isSymbolicLink()) {
      const st = await stat(p).catch(() => undefined);
      if (st?.isFile()) out.push(p);
    }
  }
}

/** Stats in flight while planning a folder: one at a time took ~60 ms per 1,000 files here, mostly waiting. */
const STAT_CONCURRENCY = 32;

/** Items for the sources; a folder `photos` becomes keys `<prefix>photos/<relative path>` (`<prefix><relative path>` for its contents). */
export async function planItems(sources: SourceInput[], dest: Destination, encryption: UploadEncryption): Promise<UploadItem[]> {
  const prefix = normalizePrefix(dest.prefix);
  const items: UploadItem[] = [];
  for (const src of sources) {
    if (typeof src !== 'string' && 'stream' in src) {
      if (src.size !== undefined && src.size > MAX_OBJECT_SIZE) throw tooLarge(src.name, src.size);
      items.push({ bucket: dest.bucket, key: prefix + src.name, source: { kind: 'stream', stream: src.stream, size: src.size }, encryption });
      continue;
    }
    const abs = resolve(typeof src === 'string' ? src : src.path);
    const st = await stat(abs);
    if (st.isDirectory()) {
      const files: string[] = [];
      await walk(abs, files);
      const parent = typeof src !== 'string' && src.contents ? abs : resolve(abs, '..');
      const sizes = await boundedAll(files, STAT_CONCURRENCY, async (file) => (await stat(file)).size);
      files.forEach((file, i) => {
        items.push({ bucket: dest.bucket, key: toKey(prefix, relative(parent, file)), source: { kind: 'file', path: file, size: sizes[i] }, encryption });
      });
    } else if (st.isFile()) {
      items.push({ bucket: dest.bucket, key: prefix + basename(abs), source: { kind: 'file', path: abs, size: st.size }, encryption });
    } else {
      throw new UploadError('bad-source', `${abs} is neither a file nor a folder`);
    }
  }
  for (const item of items) {
    if (item.source.kind === 'file' && (item.source.size ?? 0) > MAX_OBJECT_SIZE) throw tooLarge(item.source.path, item.source.size ?? 0);
  }
  return items;
}

function tooLarge(what: string, size: number): UploadError {
  return new UploadError('too-large', `${what} is ${size} bytes; COS objects can be at most ${MAX_OBJECT_SIZE} bytes (48.82 TiB)`);
}
