// The object table: a grid of fixed-height rows of which only those on screen exist in the DOM, however long the
// prefix (use-row-window.ts). The next page is asked for as the user nears the end of what is loaded; the
// Encryption cells are asked for the rows on screen only, a moment after scrolling settles.
// Scrolling is kept cheap: the rows are the store's own records (a page appended does not rebuild or re-sort
// what was loaded), the row elements are reused as the window moves (a frame changes their text, not the DOM's
// shape), and the table renders again only when the rows on screen change, in a task of its own.
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ArrowDown, ArrowUp, File as FileIcon, Folder, Loader } from 'lucide-react';
import { Button } from 'react-aria-components';
import type { ObjectRow } from '../../shared/contract';
import { formatDate, formatSize, placeLabel } from '../lib/format';
import { label } from '../lib/label-cache';
import { isFolder, isServerOrder, rowKey, sortRows, type Row, type SortMemo } from '../lib/sort-rows';
import type { Location, Sort, SortColumn } from '../stores/listing-store';
import { statusId, type StatusRowRef } from '../stores/statuses-store';
import { useConnections, useListing, useModel, useShell, useStatuses } from '../stores/model-context';
import { detailsStore } from './details/details-store';
import { EncryptionCell } from './EncryptionCell';
import { ErrorNotice } from './ErrorNotice';
import { useRowWindow } from './use-row-window';

export const ROW_HEIGHT = 32;
/** Ask for the next page when the last row on screen is this close to the end of what is loaded. */
export const PREFETCH_ROWS = 200;
/** Wait this long after the visible rows change before asking their statuses (fast scrolling asks nothing). */
export const STATUS_DELAY_MS = 120;
/** Rows rendered above and below the screen. */
const OVERSCAN = 6;

const COLUMNS: SortColumn[] = ['name', 'size', 'lastModified', 'storageClass', 'encryption'];

export function ObjectTable() {
  const { t, i18n } = useTranslation();
  const model = useModel();
  const location = useListing((s) => s.location);
  // Until every connection's buckets are known, Coffer is still opening one; "choose a bucket" would be premature.
  const opening = useConnections((s) => s.status === 'loading' || s.connections.some((c) => c.state === 'ready' && s.buckets[c.id] === undefined && !s.bucketErrors[c.id]));
  const folders = useListing((s) => s.folders);
  const objects = useListing((s) => s.objects);
  const truncated = useListing((s) => s.truncated);
  const foldersPending = useListing((s) => s.foldersPending);
  const status = useListing((s) => s.status);
  const pageLoading = useListing((s) => s.pageLoading);
  const error = useListing((s) => s.error);
  const storeError = useShell((s) => s.storeError);
  const sort = useListing((s) => s.sort);
  const filter = useListing((s) => s.filter);
  // Re-sort on status answers only when sorting by encryption.
  const encVersion = useStatuses((s) => (sort.column === 'encryption' ? s.version : 0));

  // The previous sort, extended when a page arrives instead of redone (the name order needs none: it is the server's).
  const sortMemo = useRef<SortMemo | undefined>(undefined);
  const rows = useMemo(() => {
    const entries = model.statuses.getState().entries;
    const loc = location;
    const encryptionOf = (key: string) => (loc ? entries.get(statusId(loc.connectionId, loc.bucket, key))?.encryption : undefined);
    const sorted = sortRows(folders, objects, sort, encryptionOf, encVersion, sortMemo.current);
    sortMemo.current = sorted.memo;
    return sorted.rows;
    // encVersion: the entries Map is mutated in place; its version says when to re-sort.
  }, [folders, objects, sort, location, model, encVersion]);

  const win = useRowWindow(rows.length, { rowHeight: ROW_HEIGHT, overscan: OVERSCAN, headerHeight: ROW_HEIGHT });
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const setScrollBox = useCallback(
    (el: HTMLDivElement | null) => {
      scrollRef.current = el;
      win.ref(el);
    },
    // win.ref is the same function for the table's lifetime.
    [],
  );

  // Paging: near the end of the loaded rows, ask for the next page.
  const lastIndex = win.end - 1;
  useEffect(() => {
    if (lastIndex >= 0 && lastIndex >= rows.length - PREFETCH_ROWS) void model.listing.getState().loadMore();
  }, [lastIndex, rows.length, truncated, model]);

  // Statuses: only rows actually on screen (not the overscan, not under the sticky header), once scrolling settles.
  const visibleKey = `${win.firstVisible}:${win.lastVisible}`;
  const { firstVisible, lastVisible } = win;
  useEffect(() => {
    if (!location) return;
    const refs: StatusRowRef[] = [];
    for (let i = firstVisible; i <= lastVisible; i++) {
      const r = rows.at(i);
      if (r && !isFolder(r)) refs.push({ key: r.key, etag: r.etag });
    }
    const timer = setTimeout(() => model.statuses.getState().requestVisible(location, refs), STATUS_DELAY_MS);
    return () => clearTimeout(timer);
    // visibleKey stands for firstVisible and lastVisible.
  }, [visibleKey, rows, location, model]);

  // Keyboard focus, reset when the place changes; the selection lives in the listing store (the toolbar acts on it).
  const selected = useListing((s) => s.selected);
  const [focused, setFocused] = useState(0);
  // Shift+arrows select from here (the row last selected by itself) to the focused row.
  const anchor = useRef(0);
  // Set by Delete, by Enter into a folder and by going up a level: when the focused row's element went away, the
  // focus comes back to the table (to the folder just left, after going up) instead of staying on the page.
  const refocus = useRef<{ key?: string } | null>(null);
  useEffect(() => {
    setFocused(0);
    anchor.current = 0;
    win.scrollToTop();
    // Only when the place changes.
  }, [location]);

  // Row elements are kept by their place in the window (the first row rendered is always the first element, and so
  // on), so scrolling changes the rows' text and position but never the DOM's shape: no element is created, moved
  // or dropped, which is most of what a scroll frame would otherwise cost. The element with the keyboard focus then
  // shows another row after a scroll, so the focus follows its row (or leaves the table when that row scrolled away).
  const focusedRow = useRef<number | null>(null);
  const onGridFocus = (e: React.FocusEvent) => {
    const el = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
    focusedRow.current = el ? Number(el.dataset.index) : null;
  };
  useLayoutEffect(() => {
    const active = document.activeElement;
    const box = scrollRef.current;
    if (focusedRow.current === null || !box || !(active instanceof HTMLElement) || !box.contains(active)) return;
    const el = active.closest<HTMLElement>('[data-index]');
    if (!el || Number(el.dataset.index) === focusedRow.current) return;
    const now = box.querySelector<HTMLElement>(`[data-index="${focusedRow.current}"]`);
    if (now) now.focus({ preventScroll: true });
    else active.blur();
  });

  // The rows get stable callbacks that read the latest rows through a ref: a new closure per render would make
  // every row on screen render again on each scroll frame (the row is memoized on its props).
  const latest = useRef({ rows, location });
  latest.current = { rows, location };
  // A click selects the row; Ctrl/Cmd-click adds or removes it; Shift-click selects from the anchor to it.
  const onRowSelect = useCallback(
    (index: number, how: 'only' | 'toggle' | 'range') => {
      const rows = latest.current.rows;
      const row = rows.at(index);
      if (!row) return;
      setFocused(index);
      const listing = model.listing.getState();
      if (how === 'range') {
        const from = Math.min(anchor.current, rows.length - 1);
        listing.select(keysBetween(rows, Math.min(from, index), Math.max(from, index)));
        return;
      }
      anchor.current = index;
      if (how === 'toggle') listing.toggle(rowKey(row));
      else listing.select([rowKey(row)]);
    },
    [model],
  );
  const onRowOpen = useCallback(
    (index: number) => {
      const row = latest.current.rows.at(index);
      const loc = latest.current.location;
      if (row && isFolder(row) && loc) void model.listing.getState().open({ ...loc, prefix: row.prefix });
    },
    [model],
  );
  const onSort = useCallback((c: SortColumn) => model.listing.getState().setSort(c), [model]);
  const lang = i18n.language;

  useEffect(() => {
    if (!refocus.current || rows.length === 0 || (document.activeElement && document.activeElement !== document.body)) return;
    // Only folders are looked for (the one just left), and folders come first.
    const wanted = refocus.current.key === undefined ? -1 : rows.folders.findIndex((f) => f.prefix === refocus.current!.key);
    refocus.current = null;
    const i = wanted >= 0 ? wanted : Math.min(focused, rows.length - 1);
    if (wanted >= 0) {
      setFocused(wanted);
      anchor.current = wanted;
      win.scrollToIndex(wanted);
    }
    requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(`[data-index="${i}"]`)?.focus());
  }, [rows, focused]);

  if (!location && opening) return <div className="table-message" role="status">{t('table.opening')}</div>;
  if (!location) return <div className="table-message">{t('table.chooseBucket')}</div>;
  if (status === 'loading' && rows.length === 0) {
    return (
      <div className="table-message" role="status">
        <Loader className="icon spin" aria-hidden /> {t('table.loading')}
      </div>
    );
  }
  if (status === 'error' && error) {
    // The window's banner already says it (Coffer stopped, the store is down): the same sentence twice, with a
    // Retry that cannot work yet, reads as two problems.
    if (storeError?.code === error.code) return <div className="table-message" />;
    return (
      <div className="table-message">
        <ErrorNotice error={error} onRetry={() => void model.listing.getState().refresh()} />
      </div>
    );
  }

  const listing = model.listing.getState();

  // The keyboard, as in a file manager: arrows, Page Up/Down, Home and End move the selection with the focus (Shift
  // extends it from the anchor, Ctrl/Cmd moves the focus alone); Space adds or removes the focused row; Enter opens
  // a folder, or shows a file's details and moves there; Delete asks first; Esc clears the selection.
  const current = Math.min(focused, rows.length - 1);
  const moveFocus = (to: number, e: React.KeyboardEvent) => {
    if (rows.length === 0) return;
    const i = Math.max(0, Math.min(rows.length - 1, to));
    setFocused(i);
    if (e.shiftKey) {
      const from = Math.min(anchor.current, rows.length - 1);
      listing.select(keysBetween(rows, Math.min(from, i), Math.max(from, i)));
    } else if (!(e.ctrlKey || e.metaKey)) {
      anchor.current = i;
      listing.select([rowKey(rows.at(i)!)]);
    }
    win.scrollToIndex(i);
    requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(`[data-index="${i}"]`)?.focus());
  };
  const askDelete = (row: Row | undefined) => {
    if (selected.size === 0 && row) listing.select([rowKey(row)]);
    refocus.current = {};
    listing.askDelete(true);
  };
  /** To the folder above (Backspace, Alt+↑), with the focus on the folder just left. */
  const goUp = () => {
    if (!location.prefix) return;
    const parent = location.prefix.slice(0, location.prefix.slice(0, -1).lastIndexOf('/') + 1);
    refocus.current = { key: location.prefix };
    void listing.open({ ...location, prefix: parent });
  };
  const openDetails = (row: Row) => {
    if (!selected.has(rowKey(row)) || selected.size > 1) listing.select([rowKey(row)]);
    detailsStore(model).getState().setPaneOpen(true);
    // The pane mounts with the selection: focus it once it is there, so Tab continues into its actions.
    requestAnimationFrame(() => document.querySelector<HTMLElement>('.details-pane')?.focus());
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    // Keys typed in a control inside a row (a folder's name button) are that control's.
    if (!(e.target as HTMLElement).matches('[role="row"]')) return;
    const row = rows.at(current);
    const page = Math.max(1, win.rowsPerScreen - 1);
    const mod = e.ctrlKey || e.metaKey;
    switch (e.key) {
      case 'ArrowDown':
        moveFocus(current + 1, e);
        break;
      case 'ArrowUp':
        if (e.altKey) goUp();
        else moveFocus(current - 1, e);
        break;
      case 'PageDown':
        moveFocus(current + page, e);
        break;
      case 'PageUp':
        moveFocus(current - page, e);
        break;
      case 'Home':
        moveFocus(0, e);
        break;
      case 'End':
        moveFocus(rows.length - 1, e);
        break;
      case 'Enter':
        if (row && isFolder(row)) {
          refocus.current = {};
          onRowOpen(current);
        } else if (row) openDetails(row);
        break;
      case ' ':
        if (row) {
          anchor.current = current;
          listing.toggle(rowKey(row));
        }
        break;
      case 'a':
      case 'A':
        if (!mod) return;
        void listing.selectAll();
        break;
      case 'Escape':
        if (selected.size === 0) return;
        listing.select([]);
        break;
      case 'Backspace':
        // Up a level, as in Explorer; Cmd/Ctrl+Backspace deletes, as in Finder.
        if (mod) askDelete(row);
        else goUp();
        break;
      case 'Delete':
        askDelete(row);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const sortedPartly = truncated && !isServerOrder(sort);

  return (
    <div className="table-wrap">
      {sortedPartly && (
        <p className="table-note" role="note">
          {t('table.sortedPartly', { count: rows.length })}
        </p>
      )}
      {foldersPending && (
        <p className="table-note" role="note">
          {t('table.foldersPending')}
        </p>
      )}
      <div
        ref={setScrollBox}
        className="table-scroll"
        data-testid="object-table-scroll"
        role="grid"
        aria-label={label(t, 'table.label', { place: placeLabel(location.bucket, location.prefix) })}
        aria-rowcount={truncated ? -1 : rows.length + 1}
        aria-multiselectable
        onKeyDown={onKeyDown}
        onFocus={onGridFocus}
      >
        <HeaderRow sort={sort} onSort={onSort} t={t} />
        {rows.length === 0 ? (
          <div className="table-empty" role="row">
            <div role="gridcell">{filter ? t('table.noMatches', { filter }) : t('table.empty')}</div>
          </div>
        ) : (
          <div className="rows" style={{ height: rows.length * ROW_HEIGHT }}>
            {rowRange(win.start, win.end).map((index) => {
              const row = rows.at(index)!;
              const key = rowKey(row);
              return (
                <ObjectTableRow
                  key={index - win.start}
                  row={row}
                  index={index}
                  location={location}
                  selected={selected.has(key)}
                  focused={current === index}
                  onSelect={onRowSelect}
                  onOpen={onRowOpen}
                  t={t}
                  lang={lang}
                />
              );
            })}
          </div>
        )}
      </div>
      {pageLoading && status === 'ready' && (
        <p className="table-note" role="status">
          <Loader className="icon spin" aria-hidden /> {t('table.loadingMore')}
        </p>
      )}
      {status === 'ready' && error && <ErrorNotice error={error} onRetry={() => void model.listing.getState().loadMore()} />}
    </div>
  );
}

/** The keys of rows first..last (inclusive), for Shift+arrows and Ctrl/Cmd+A. */
function keysBetween(rows: { at(i: number): Row | undefined }, first: number, last: number): string[] {
  const keys: string[] = [];
  for (let i = first; i <= last; i++) {
    const r = rows.at(i);
    if (r) keys.push(rowKey(r));
  }
  return keys;
}

/** The column headers, memoized: their sort buttons are heavier than a row, and the table renders per scroll frame. */
const HeaderRow = memo(function HeaderRow({ sort, onSort, t }: { sort: Sort; onSort(column: SortColumn): void; t: TFunction }) {
  return (
    <div className="row header" role="row" aria-rowindex={1}>
      {COLUMNS.map((c) => (
        <div key={c} role="columnheader" className={`cell col-${c}`} aria-sort={sort.column === c ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}>
          <Button className="sort" onPress={() => onSort(c)}>
            {t(`table.${c}`)}
            {sort.column === c && (sort.direction === 'asc' ? <ArrowUp className="icon" aria-hidden /> : <ArrowDown className="icon" aria-hidden />)}
          </Button>
        </div>
      ))}
    </div>
  );
});

const rowRange = (start: number, end: number) => Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);

// Built once: React skips an element it rendered before.
const FOLDER_ICON = <Folder className="icon folder" aria-hidden />;
const FILE_ICON = <FileIcon className="icon" aria-hidden />;

interface RowProps {
  /** The store's own record (a folder or an object). */
  row: Row;
  index: number;
  location: Location;
  selected: boolean;
  focused: boolean;
  /** additive: Ctrl/Cmd-click adds or removes the row instead of selecting only it. */
  onSelect(index: number, how: 'only' | 'toggle' | 'range'): void;
  onOpen(index: number): void;
  /** From the table: useTranslation in each of the rows rendered per scroll frame costs more than the row itself. */
  t: TFunction;
  lang: string;
}

const ObjectTableRow = memo(function ObjectTableRow({ row, index, location, selected, focused, onSelect, onOpen, t, lang }: RowProps) {
  return (
    <div
      className={`row${selected ? ' selected' : ''}`}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-index={index}
      data-key={rowKey(row)}
      tabIndex={focused ? 0 : -1}
      style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
      // Shift-click would also select the text between the rows: the row selection is what it means here.
      onMouseDown={(e) => e.shiftKey && e.preventDefault()}
      onClick={(e) => onSelect(index, e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'only')}
      onDoubleClick={() => onOpen(index)}
    >
      {isFolder(row) ? (
        <>
          <div role="gridcell" className="cell col-name">
            {FOLDER_ICON}
            {/* Not a Tab stop of its own: the grid is one (its focused row), and Enter on the row opens the folder. */}
            <Button className="link name" excludeFromTabOrder onPress={() => onOpen(index)}>
              <span title={`${row.name}/`}>{row.name}/</span>
            </Button>
          </div>
          <div role="gridcell" className="cell col-size" />
          <div role="gridcell" className="cell col-lastModified" />
          <div role="gridcell" className="cell col-storageClass" />
          <div role="gridcell" className="cell col-encryption" />
        </>
      ) : (
        <ObjectCells object={row} location={location} lang={lang} t={t} />
      )}
    </div>
  );
});

function ObjectCells({ object, location, lang, t }: { object: ObjectRow; location: Location; lang: string; t: TFunction }) {
  return (
    <>
      <div role="gridcell" className="cell col-name">
        {FILE_ICON}
        {/* The full name on hover: long names are cut with "…" to fit the column. */}
        <span className="name" title={object.name}>
          {object.name}
        </span>
      </div>
      <div role="gridcell" className="cell col-size">
        {formatSize(object.size, lang)}
      </div>
      <div role="gridcell" className="cell col-lastModified">
        {formatDate(object.lastModified, lang)}
      </div>
      <div role="gridcell" className="cell col-storageClass">
        {label(t, `storageClass.${object.storageClass}`, { defaultValue: object.storageClass })}
      </div>
      <div role="gridcell" className="cell col-encryption">
        <EncryptionCell location={location} object={object} t={t} />
      </div>
    </>
  );
}
