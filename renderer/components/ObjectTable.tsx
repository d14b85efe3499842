// The object table: a grid virtualized with @tanstack/react-virtual, so only the rows on screen exist in the
// DOM however long the prefix. The next page is asked for as the user nears the end of what is loaded; the
// Encryption cells are asked for the rows on screen only, a moment after scrolling settles.
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown, ArrowUp, File as FileIcon, Folder, Loader } from 'lucide-react';
import { Button } from 'react-aria-components';
import type { FolderRow, ObjectRow } from '../../shared/contract';
import { formatDate, formatSize, placeLabel } from '../lib/format';
import { isServerOrder, sortRows, type Row } from '../lib/sort-rows';
import type { Location, SortColumn } from '../stores/listing-store';
import { statusId } from '../stores/statuses-store';
import { useListing, useModel, useShell, useStatuses } from '../stores/model-context';
import { EncryptionCell } from './EncryptionCell';
import { ErrorNotice } from './ErrorNotice';

export const ROW_HEIGHT = 32;
/** Ask for the next page when the last row on screen is this close to the end of what is loaded. */
export const PREFETCH_ROWS = 200;
/** Wait this long after the visible rows change before asking their statuses (fast scrolling asks nothing). */
export const STATUS_DELAY_MS = 120;

const COLUMNS: SortColumn[] = ['name', 'size', 'lastModified', 'storageClass', 'encryption'];

export function ObjectTable() {
  const { t, i18n } = useTranslation();
  const model = useModel();
  const location = useListing((s) => s.location);
  const folders = useListing((s) => s.folders);
  const objects = useListing((s) => s.objects);
  const truncated = useListing((s) => s.truncated);
  const status = useListing((s) => s.status);
  const pageLoading = useListing((s) => s.pageLoading);
  const error = useListing((s) => s.error);
  const storeError = useShell((s) => s.storeError);
  const sort = useListing((s) => s.sort);
  const filter = useListing((s) => s.filter);
  // Re-sort on status answers only when sorting by encryption.
  const encVersion = useStatuses((s) => (sort.column === 'encryption' ? s.version : 0));

  const rows = useMemo(() => {
    const entries = model.statuses.getState().entries;
    const loc = location;
    return sortRows(folders, objects, sort, (key) => (loc ? entries.get(statusId(loc.connectionId, loc.bucket, key))?.encryption : undefined));
    // encVersion: the entries Map is mutated in place; its version says when to re-sort.
  }, [folders, objects, sort, location, model, encVersion]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    // The sticky header row sits above the rows inside the same scroll box.
    scrollMargin: ROW_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();

  // Paging: near the end of the loaded rows, ask for the next page.
  const lastIndex = items.length ? items[items.length - 1]!.index : -1;
  useEffect(() => {
    if (lastIndex >= 0 && lastIndex >= rows.length - PREFETCH_ROWS) void model.listing.getState().loadMore();
  }, [lastIndex, rows.length, truncated, model]);

  // Statuses: only rows actually on screen (not the overscan, not under the sticky header), once scrolling settles.
  const offset = virtualizer.scrollOffset ?? 0;
  const height = virtualizer.scrollRect?.height ?? 0;
  const visible = items.filter((i) => i.end > offset + ROW_HEIGHT && i.start < offset + height);
  const visibleKey = visible.length ? `${visible[0]!.index}:${visible[visible.length - 1]!.index}` : '';
  useEffect(() => {
    if (!location) return;
    const refs = visible.map((v) => rows[v.index]).flatMap((r) => (r?.kind === 'object' ? [{ key: r.object.key, etag: r.object.etag }] : []));
    const timer = setTimeout(() => model.statuses.getState().requestVisible(location, refs), STATUS_DELAY_MS);
    return () => clearTimeout(timer);
  }, [visibleKey, rows, location, model]);

  // Keyboard focus, reset when the place changes; the selection lives in the listing store (the toolbar acts on it).
  const selected = useListing((s) => s.selected);
  const [focused, setFocused] = useState(0);
  useEffect(() => {
    setFocused(0);
    scrollRef.current?.scrollTo?.({ top: 0 });
  }, [location]);

  // The rows get stable callbacks that read the latest rows through a ref: a new closure per render would make
  // every row on screen render again on each scroll frame (the row is memoized on its props).
  const latest = useRef({ rows, location });
  latest.current = { rows, location };
  const onRowSelect = useCallback(
    (index: number, additive: boolean) => {
      const row = latest.current.rows[index];
      if (!row) return;
      setFocused(index);
      const listing = model.listing.getState();
      if (additive) listing.toggle(keyOf(row));
      else listing.select([keyOf(row)]);
    },
    [model],
  );
  const onRowOpen = useCallback(
    (index: number) => {
      const row = latest.current.rows[index];
      const loc = latest.current.location;
      if (row?.kind === 'folder' && loc) void model.listing.getState().open({ ...loc, prefix: row.folder.prefix });
    },
    [model],
  );

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

  const moveFocus = (to: number) => {
    const i = Math.max(0, Math.min(rows.length - 1, to));
    setFocused(i);
    virtualizer.scrollToIndex(i, { align: 'auto' });
    requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(`[data-index="${i}"]`)?.focus());
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    const row = rows[focused];
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    switch (e.key) {
      case 'ArrowDown':
        moveFocus(focused + 1);
        break;
      case 'ArrowUp':
        moveFocus(focused - 1);
        break;
      case 'PageDown':
        moveFocus(focused + page);
        break;
      case 'PageUp':
        moveFocus(focused - page);
        break;
      case 'Home':
        moveFocus(0);
        break;
      case 'End':
        moveFocus(rows.length - 1);
        break;
      case 'Enter':
        onRowOpen(focused);
        break;
      case ' ':
        if (row) listing.toggle(keyOf(row));
        break;
      case 'Delete':
      case 'Backspace':
        if (selected.size === 0 && row?.kind === 'object') listing.select([row.object.key]);
        listing.askDelete(true);
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
      <div
        ref={scrollRef}
        className="table-scroll"
        data-testid="object-table-scroll"
        role="grid"
        aria-label={t('table.label', { place: placeLabel(location.bucket, location.prefix) })}
        aria-rowcount={truncated ? -1 : rows.length + 1}
        aria-multiselectable
        onKeyDown={onKeyDown}
      >
        <div className="row header" role="row" aria-rowindex={1}>
          {COLUMNS.map((c) => (
            <div key={c} role="columnheader" className={`cell col-${c}`} aria-sort={sort.column === c ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}>
              <Button className="sort" onPress={() => model.listing.getState().setSort(c)}>
                {t(`table.${c}`)}
                {sort.column === c && (sort.direction === 'asc' ? <ArrowUp className="icon" aria-hidden /> : <ArrowDown className="icon" aria-hidden />)}
              </Button>
            </div>
          ))}
        </div>
        {rows.length === 0 ? (
          <div className="table-empty" role="row">
            <div role="gridcell">{filter ? t('table.noMatches', { filter }) : t('table.empty')}</div>
          </div>
        ) : (
          <div className="rows" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((v) => {
              const row = rows[v.index]!;
              const key = keyOf(row);
              return (
                <ObjectTableRow
                  key={key}
                  // The store's own row objects (kept across pages), not the Row wrappers rebuilt per page.
                  folder={row.kind === 'folder' ? row.folder : undefined}
                  object={row.kind === 'object' ? row.object : undefined}
                  index={v.index}
                  start={v.start - ROW_HEIGHT}
                  location={location}
                  selected={selected.has(key)}
                  focused={focused === v.index}
                  onSelect={onRowSelect}
                  onOpen={onRowOpen}
                  t={t}
                  lang={i18n.language}
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

const keyOf = (row: Row) => (row.kind === 'folder' ? row.folder.prefix : row.object.key);

interface RowProps {
  /** One of the two. */
  folder?: FolderRow;
  object?: ObjectRow;
  index: number;
  start: number;
  location: Location;
  selected: boolean;
  focused: boolean;
  /** additive: Ctrl/Cmd-click adds or removes the row instead of selecting only it. */
  onSelect(index: number, additive: boolean): void;
  onOpen(index: number): void;
  /** From the table: useTranslation in each of the rows mounted per scroll frame costs more than the row itself. */
  t: TFunction;
  lang: string;
}

const ObjectTableRow = memo(function ObjectTableRow({ folder, object, index, start, location, selected, focused, onSelect, onOpen, t, lang }: RowProps) {
  return (
    <div
      className={`row${selected ? ' selected' : ''}`}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-index={index}
      tabIndex={focused ? 0 : -1}
      style={{ transform: `translateY(${start}px)` }}
      onClick={(e) => onSelect(index, e.ctrlKey || e.metaKey)}
      onDoubleClick={() => onOpen(index)}
    >
      {folder ? (
        <>
          <div role="gridcell" className="cell col-name">
            <Folder className="icon folder" aria-hidden />
            <Button className="link name" onPress={() => onOpen(index)}>
              <span title={`${folder.name}/`}>{folder.name}/</span>
            </Button>
          </div>
          <div role="gridcell" className="cell col-size" />
          <div role="gridcell" className="cell col-lastModified" />
          <div role="gridcell" className="cell col-storageClass" />
          <div role="gridcell" className="cell col-encryption" />
        </>
      ) : object ? (
        <ObjectCells object={object} location={location} lang={lang} t={t} />
      ) : null}
    </div>
  );
});

function ObjectCells({ object, location, lang, t }: { object: ObjectRow; location: Location; lang: string; t: TFunction }) {
  return (
    <>
      <div role="gridcell" className="cell col-name">
        <FileIcon className="icon" aria-hidden />
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
        {t(`storageClass.${object.storageClass}`, { defaultValue: object.storageClass })}
      </div>
      <div role="gridcell" className="cell col-encryption">
        <EncryptionCell location={location} object={object} />
      </div>
    </>
  );
}
