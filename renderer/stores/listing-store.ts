// The prefix on screen: its rows, loaded a page at a time as the user scrolls (never everything at once; its
// subfolders are asked for at once, for "folders first"), the name filter, the sort, and the rows this app
// changed (uploads, deletes, new folders) folded in without a reload.
import { createStore } from 'zustand/vanilla';
import type { AppError, EventOf, FolderRow, ObjectRow } from '../../shared/contract';
import type { Bridge } from '../bridge/bridge';

export interface Location {
  connectionId: string;
  bucket: string;
  prefix: string;
}

export type SortColumn = 'name' | 'size' | 'lastModified' | 'storageClass' | 'encryption';
export interface Sort {
  column: SortColumn;
  direction: 'asc' | 'desc';
}

export interface ListingState {
  location: Location | null;
  filter: string;
  folders: FolderRow[];
  objects: ObjectRow[];
  nextMarker: string | null;
  truncated: boolean;
  /**
   * The folder has subfolders beyond the pages read ahead for "folders first" (objects.folders reads 5,000 names):
   * they show when their page loads.
   */
  foldersPending: boolean;
  /** 'loading': the first page is on its way; 'ready': rows (maybe none) are shown. */
  status: 'idle' | 'loading' | 'ready' | 'error';
  pageLoading: boolean;
  error: AppError | null;
  sort: Sort;
  /** Selected rows by key (folders by their prefix). */
  selected: ReadonlySet<string>;
  /** The "Delete N files?" question is showing. */
  confirmingDelete: boolean;
  open(location: Location): Promise<void>;
  setFilter(filter: string): Promise<void>;
  refresh(): Promise<void>;
  loadMore(): Promise<void>;
  /** Selects every row of the folder (as filtered), reading the pages not loaded yet first. */
  selectAll(): Promise<void>;
  /**
   * Makes the folder `key` (ending with '/') in `at` (default: the bucket on screen), and shows its row if that is the
   * folder on screen; null when it was made.
   */
  createFolder(key: string, at?: Location): Promise<AppError | null>;
  setSort(column: SortColumn): void;
  applyChanges(changes: EventOf<'object.changed'>[]): void;
  select(keys: Iterable<string>): void;
  toggle(key: string): void;
  askDelete(ask: boolean): void;
}

export const PAGE_SIZE = 1000;

/** `have`, then the folders of `more` not among them (a folder read ahead comes again with its page). */
function withFolders(have: FolderRow[], more: FolderRow[]): FolderRow[] {
  const known = new Set(have.map((f) => f.prefix));
  const added = more.filter((f) => !known.has(f.prefix));
  return added.length === 0 ? have : [...have, ...added];
}

const sameLocation = (a: Location | null, b: Location | null) =>
  !!a && !!b && a.connectionId === b.connectionId && a.bucket === b.bucket && a.prefix === b.prefix;

export function createListingStore(bridge: Bridge) {
  // Bumped on every navigation, filter or refresh so a page that arrives late for an old view is dropped.
  let generation = 0;
  // The page being read, if any (Select all waits for it rather than read the same page twice).
  let reading: Promise<void> = Promise.resolve();

  return createStore<ListingState>()((set, get) => {
    function fetchPage(first: boolean): Promise<void> {
      reading = readPage(first);
      return reading;
    }

    async function readPage(first: boolean): Promise<void> {
      const { location, filter, nextMarker } = get();
      if (!location) return;
      const mine = first ? ++generation : generation;
      set(
        first
          ? { status: 'loading', pageLoading: true, error: null, folders: [], objects: [], nextMarker: null, truncated: false, foldersPending: false, selected: new Set(), confirmingDelete: false }
          : { pageLoading: true },
      );
      const answer = await bridge.api.objects.list({
        connectionId: location.connectionId,
        bucket: location.bucket,
        prefix: location.prefix,
        pageSize: PAGE_SIZE,
        ...(first || !nextMarker ? {} : { marker: nextMarker }),
        ...(filter ? { nameFilter: filter } : {}),
      });
      if (mine !== generation) return;
      if (!answer.ok) {
        set({ status: first ? 'error' : 'ready', pageLoading: false, error: answer.error });
        return;
      }
      const page = answer.value;
      set((s) => ({
        status: 'ready',
        pageLoading: false,
        folders: first ? page.folders : withFolders(s.folders, page.folders),
        objects: first ? page.objects : [...s.objects, ...page.objects],
        nextMarker: page.nextMarker,
        truncated: page.truncated,
        // The last page is in: every folder is on screen.
        foldersPending: page.truncated && s.foldersPending,
      }));
      if (first && page.truncated) void readFolders(mine);
      // A filtered page can come back empty while more remain: keep going so the user sees matches or the end.
      if (page.truncated && page.folders.length + page.objects.length === 0 && page.nextMarker) await fetchPage(false);
    }

    /**
     * The subfolders on the folder's later pages, asked for once it has more than one: the server lists folders
     * among the files in name order, and "raw/" beside 3,000 photos stayed out of sight until the list was scrolled
     * to its end, though the table shows folders first. The files still load as the user scrolls.
     */
    async function readFolders(mine: number): Promise<void> {
      const { location, filter } = get();
      if (!location) return;
      const answer = await bridge.api.objects.folders({ connectionId: location.connectionId, bucket: location.bucket, prefix: location.prefix, ...(filter ? { nameFilter: filter } : {}) });
      // Failing loses nothing: each folder still shows when its page loads.
      if (mine !== generation || !answer.ok) return;
      set((s) => ({ folders: withFolders(s.folders, answer.value.folders), foldersPending: !answer.value.complete && s.truncated }));
    }

    return {
      location: null,
      filter: '',
      folders: [],
      objects: [],
      nextMarker: null,
      truncated: false,
      foldersPending: false,
      status: 'idle',
      pageLoading: false,
      error: null,
      sort: { column: 'name', direction: 'asc' },
      selected: new Set(),
      confirmingDelete: false,

      async open(location) {
        if (sameLocation(get().location, location) && get().status !== 'error') return;
        set({ location, filter: '' });
        await fetchPage(true);
      },
      async setFilter(filter) {
        if (filter === get().filter) return;
        set({ filter });
        await fetchPage(true);
      },
      async refresh() {
        await fetchPage(true);
      },
      async loadMore() {
        const s = get();
        if (s.status !== 'ready' || s.pageLoading || !s.truncated || !s.nextMarker) return;
        await fetchPage(false);
      },
      async selectAll() {
        // Everything in the folder, not only the pages loaded so far: a Delete or a Download after Ctrl+A must mean
        // all of it (with 3,000 files, the first 1000 were selected and deleted, and 2,000 stayed without a word).
        const mine = generation;
        for (;;) {
          const s = get();
          if (mine !== generation || s.status !== 'ready' || s.error) return;
          if (!s.truncated || !s.nextMarker) break;
          await (s.pageLoading ? reading : fetchPage(false));
        }
        const { folders, objects } = get();
        set({ selected: new Set([...folders.map((f) => f.prefix), ...objects.map((o) => o.key)]) });
      },
      async createFolder(key, at) {
        const location = at ?? get().location;
        if (!location) return null;
        const answer = await bridge.api.objects.createFolder({ connectionId: location.connectionId, bucket: location.bucket, key });
        if (!answer.ok) return answer.error;
        // Shown at once, as the folder's own row or, for 'album/empty/', as the folder holding it.
        const name = key.slice(location.prefix.length, -1);
        get().applyChanges([{ type: 'object.changed', connectionId: location.connectionId, bucket: location.bucket, change: 'folder', folder: { prefix: key, name } }]);
        return null;
      },
      setSort(column) {
        set((s) => ({ sort: { column, direction: s.sort.column === column && s.sort.direction === 'asc' ? 'desc' : 'asc' } }));
      },

      select(keys) {
        set({ selected: new Set(keys) });
      },
      toggle(key) {
        const next = new Set(get().selected);
        if (next.has(key)) next.delete(key);
        else next.add(key);
        set({ selected: next });
      },
      askDelete(ask) {
        set({ confirmingDelete: ask && get().selected.size > 0 });
      },

      applyChanges(changes) {
        const s = get();
        const loc = s.location;
        if (!loc) return;
        let folders = s.folders;
        // The batch's last word on each object of this folder (a row, or null for deleted), applied in one pass:
        // a drop of 10,000 files brings thousands of rows a frame, and a search and a copy of the list per row
        // would grow with the square of their number.
        const latest = new Map<string, ObjectRow | null>();
        for (const c of changes) {
          if (c.connectionId !== loc.connectionId || c.bucket !== loc.bucket) continue;
          const key = c.change === 'put' ? c.object.key : c.change === 'folder' ? c.folder.prefix : c.key;
          if (!key.startsWith(loc.prefix)) continue;
          const rest = key.slice(loc.prefix.length);
          const slash = rest.indexOf('/');
          if (slash >= 0 && slash < rest.length - 1) {
            // Something inside a subfolder: make sure the subfolder shows (deletes leave folders to a refresh).
            if (c.change === 'deleted') continue;
            const prefix = loc.prefix + rest.slice(0, slash + 1);
            if (!folders.some((f) => f.prefix === prefix)) folders = insertSorted(folders, { prefix, name: rest.slice(0, slash) }, (f) => f.prefix);
            continue;
          }
          if (c.change === 'folder') {
            if (!folders.some((f) => f.prefix === c.folder.prefix)) folders = insertSorted(folders, c.folder, (f) => f.prefix);
          } else if (c.change === 'deleted') latest.set(c.key, null);
          else latest.set(c.object.key, { ...c.object, name: rest });
        }
        let objects = s.objects;
        if (latest.size > 0) {
          const deleted = [...latest].filter(([, row]) => row === null).map(([key]) => key);
          const lastLoaded = objects.length ? objects[objects.length - 1]!.key : '';
          let touched = false;
          const kept: ObjectRow[] = [];
          for (const o of objects) {
            const now = latest.get(o.key);
            if (now === undefined) kept.push(o);
            else {
              touched = true;
              if (now) kept.push(now);
              latest.delete(o.key);
            }
          }
          // New rows: beyond the loaded pages they arrive with their page; within them (or when all is loaded) now.
          const added = [...latest.values()].filter((r): r is ObjectRow => r !== null && (!s.truncated || r.key <= lastLoaded));
          if (added.length) objects = mergeSorted(kept, added.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
          else if (touched) objects = kept;
          if (deleted.some((k) => s.selected.has(k))) {
            const selected = new Set(s.selected);
            for (const k of deleted) selected.delete(k);
            set({ selected });
          }
        }
        if (folders !== s.folders || objects !== s.objects) set({ folders, objects });
      },
    };
  });
}

export type ListingStore = ReturnType<typeof createListingStore>;

/** Two lists sorted by key, as one. */
function mergeSorted(a: ObjectRow[], b: ObjectRow[]): ObjectRow[] {
  const out: ObjectRow[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(a[i]!.key <= b[j]!.key ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

function insertSorted<T>(list: T[], item: T, keyOf: (t: T) => string): T[] {
  const k = keyOf(item);
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keyOf(list[mid]!) < k) lo = mid + 1;
    else hi = mid;
  }
  return [...list.slice(0, lo), item, ...list.slice(lo)];
}
