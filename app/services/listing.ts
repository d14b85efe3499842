// One page of a folder at a time, as the object table asks for it while the user scrolls (never "load
// everything"): folders (common prefixes) and objects directly under the prefix, with the marker for the next
// page, optionally filtered by name (the toolbar's search within the folder). A folder's subfolders alone, for
// the table's "folders first". Also "New folder" (a zero-byte
// `name/` object, as the COS console makes one).
import type { CosClient } from '../cos/client';
import { isoOrEmpty } from './buckets';
import { ServiceError } from './errors';

export interface ObjectRowView {
  key: string;
  /** The key without the listed prefix. */
  name: string;
  size: number;
  lastModified: string;
  etag: string;
  storageClass: string;
}

export interface FolderRowView {
  prefix: string;
  name: string;
}

export interface ListingPage {
  folders: FolderRowView[];
  objects: ObjectRowView[];
  truncated: boolean;
  nextMarker: string | null;
}

/** A listing's date as ISO 8601; the epoch when the server sent none (a row always has a date). */
function isoOrEpoch(date: string): string {
  return isoOrEmpty(date) || new Date(0).toISOString();
}

function checkPrefix(prefix: string): void {
  if (prefix !== '' && !prefix.endsWith('/')) throw new ServiceError('usage', 'BadPrefix', `"${prefix}" is not a folder: a folder's prefix ends with "/".`);
}

export interface ListPageOptions {
  prefix: string;
  marker?: string;
  pageSize?: number;
  /** Part of the name, case and accents aside: only matching folders and objects of the page are returned. */
  nameFilter?: string;
  region?: string;
}

/**
 * List pages this process is fetching now. The status scheduler starts no new HEAD while one is on its way: the
 * user is waiting at the end of the table for that page, and the store answers it sooner with no HEADs beside it.
 */
let listsInFlight = 0;
const idleWaiters = new Set<() => void>();
export interface ListingActivity {
  readonly busy: boolean;
  /** Calls `cb` once no list page is in flight (at once when none is). */
  whenIdle(cb: () => void): void;
}
export const listingActivity: ListingActivity = {
  get busy() {
    return listsInFlight > 0;
  },
  whenIdle(cb) {
    if (listsInFlight === 0) cb();
    else idleWaiters.add(cb);
  },
};

export async function listPage(client: CosClient, bucket: string, opts: ListPageOptions): Promise<ListingPage> {
  checkPrefix(opts.prefix);
  listsInFlight++;
  try {
    return await listOnePage(client, bucket, opts);
  } finally {
    if (--listsInFlight === 0) {
      const waiting = [...idleWaiters];
      idleWaiters.clear();
      for (const cb of waiting) cb();
    }
  }
}

/**
 * Pages read at most by `listFolders`: the subfolders of a folder of up to 5,000 names. More competes with the
 * window for the two cores here while it shows and scrolls a big folder: with 20, both bench:ui runs had a scroll
 * frame over 50 ms; with 5, neither.
 */
export const FOLDER_SCAN_PAGES = 5;

/**
 * The subfolders of `prefix`, without its files: its pages read here, keeping only the folders, up to
 * FOLDER_SCAN_PAGES of 1000 (`complete` says whether that was all). COS lists folders among the files in name
 * order, so "raw/" beside 3,000 photos comes on the fourth page, while the window shows folders first: it asks
 * for them once a folder has more than one page, and the rows themselves still load as the user scrolls. Not
 * counted as list activity: the encryption checks of the rows on screen need not wait for it.
 */
export async function listFolders(client: CosClient, bucket: string, opts: Omit<ListPageOptions, 'marker' | 'pageSize'>): Promise<{ folders: FolderRowView[]; complete: boolean }> {
  checkPrefix(opts.prefix);
  const folders: FolderRowView[] = [];
  let marker: string | undefined;
  for (let read = 0; read < FOLDER_SCAN_PAGES; read++) {
    const page = await listOnePage(client, bucket, { ...opts, pageSize: 1000, ...(marker === undefined ? {} : { marker }) });
    folders.push(...page.folders);
    if (!page.truncated || !page.nextMarker) return { folders, complete: true };
    marker = page.nextMarker;
  }
  return { folders, complete: false };
}

/** How a name is compared in a search: case and accents aside ("resume" finds "Résumé.pdf"), as a file manager does. */
const searchForm = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();

async function listOnePage(client: CosClient, bucket: string, opts: ListPageOptions): Promise<ListingPage> {
  const page = await client.listObjects(bucket, { prefix: opts.prefix, delimiter: '/', marker: opts.marker, maxKeys: opts.pageSize ?? 1000, region: opts.region });
  const needle = opts.nameFilter === undefined ? undefined : searchForm(opts.nameFilter);
  const keep = (name: string) => needle === undefined || searchForm(name).includes(needle);
  return {
    folders: page.commonPrefixes.map((p) => ({ prefix: p, name: p.slice(opts.prefix.length, -1) })).filter((f) => keep(f.name)),
    // The folder's own marker object (`photos/` inside `photos/`) is the folder, not a row in it.
    objects: page.contents
      .filter((o) => o.key !== opts.prefix)
      .map((o) => ({ key: o.key, name: o.key.slice(opts.prefix.length), size: o.size, lastModified: isoOrEpoch(o.lastModified), etag: o.etag, storageClass: o.storageClass || 'STANDARD' }))
      .filter((o) => keep(o.name)),
    truncated: page.isTruncated,
    nextMarker: page.isTruncated ? (page.nextMarker ?? null) : null,
  };
}

/** "New folder": the zero-byte object `key` (ending with '/'), refused for names that are not one folder. */
export async function createFolder(client: CosClient, bucket: string, key: string, region?: string): Promise<string> {
  const name = key.slice(0, -1).split('/').pop() ?? '';
  if (!key.endsWith('/') || name.trim() === '' || name === '.' || name === '..' || name.includes('\\')) {
    throw ServiceError.phrased('usage', 'BadFolderName', 'badFolderName', { name });
  }
  await client.putObject(bucket, key, Buffer.alloc(0), { region });
  return key;
}
