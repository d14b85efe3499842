// Which rows of the object table to render, for a scroll box whose rows are all the same height. The range is
// arithmetic on the scroll offset and the box's height: nothing is measured per row and nothing grows with the
// number of rows (a general virtualizer keeps a position per row and rebuilds all of them whenever a page of
// 1,000 rows arrives). The table renders again only when the range of rows changes, not on every scroll event.
// That render is a task of its own, not part of the scroll event: the browser's work for a frame (style, layout,
// paint of the rows) and React's work for the rows are two shorter tasks instead of one long one. A jump farther
// than the overscan shows the new rows one frame later.
import { useLayoutEffect, useMemo, useState } from 'react';

export interface RowWindowOptions {
  rowHeight: number;
  /** Rows rendered above and below the screen, so a short scroll shows rows that are already there. */
  overscan: number;
  /** The sticky header inside the scroll box, above the first row. */
  headerHeight: number;
}

export interface RowWindow {
  /** The callback ref for the scroll box. */
  ref(el: HTMLElement | null): void;
  /** Rows to render: [start, end). */
  start: number;
  end: number;
  /** Rows on screen below the header (partly or fully): [firstVisible, lastVisible], empty when last < first. */
  firstVisible: number;
  lastVisible: number;
  /** Whole rows the box shows at once (PageUp/PageDown move by this, less one). */
  rowsPerScreen: number;
  /** Scrolls the least that brings row `index` fully into view below the header. */
  scrollToIndex(index: number): void;
  scrollToTop(): void;
}

/** The scroll box's offset and height, read on scroll and resize only (never during a render: no forced layout). */
class ScrollBox {
  el: HTMLElement | null = null;
  offset = 0;
  height = 0;
  /** Called when the offset or height may have changed. */
  onChange: (() => void) | null = null;
  private resize: ResizeObserver | null = null;

  attach = (el: HTMLElement | null) => {
    if (el === this.el) return;
    if (this.el) {
      this.el.removeEventListener('scroll', this.onScroll);
      this.resize?.disconnect();
      this.resize = null;
    }
    this.el = el;
    if (el) {
      el.addEventListener('scroll', this.onScroll, { passive: true });
      // jsdom (the renderer's tests) has no ResizeObserver; there the height is read once.
      if (typeof ResizeObserver !== 'undefined') {
        this.resize = new ResizeObserver(() => this.read());
        this.resize.observe(el);
      }
      this.read();
    }
  };

  read = () => {
    if (!this.el) return;
    this.offset = this.el.scrollTop;
    this.height = this.el.clientHeight;
    this.emit();
  };

  private onScroll = () => {
    if (!this.el) return;
    this.offset = this.el.scrollTop;
    this.emit();
  };

  private emit() {
    this.onChange?.();
  }
}

export function useRowWindow(count: number, { rowHeight, overscan, headerHeight }: RowWindowOptions): RowWindow {
  const box = useMemo(() => new ScrollBox(), []);
  // The on-screen range as a string: setting an equal string renders nothing.
  const [range, setRange] = useState('0:-1:0');
  useLayoutEffect(() => {
    box.onChange = () => {
      const top = Math.max(0, box.offset);
      // Row i spans [headerHeight + i·h, headerHeight + (i+1)·h) in the box's content; the header covers the top
      // headerHeight pixels of the screen.
      const first = Math.floor(top / rowHeight);
      const last = Math.ceil((top + box.height - headerHeight) / rowHeight) - 1;
      setRange(`${first}:${last}:${box.height}`);
    };
    // The box may have been attached (and read) before this ran.
    box.onChange();
    return () => void (box.onChange = null);
  }, [box, rowHeight, headerHeight]);
  const [first, last, height] = range.split(':').map(Number) as [number, number, number];

  const firstVisible = Math.min(first, count);
  const lastVisible = Math.min(last, count - 1);
  return {
    ref: box.attach,
    start: Math.max(0, firstVisible - overscan),
    end: Math.min(count, Math.max(firstVisible, lastVisible + 1) + overscan),
    firstVisible,
    lastVisible,
    rowsPerScreen: Math.max(1, Math.floor((height - headerHeight) / rowHeight)),
    scrollToIndex(index) {
      const el = box.el;
      if (!el) return;
      const rowStart = index * rowHeight; // the scroll offset that puts the row just under the header
      const rowEnd = rowStart + rowHeight + headerHeight - el.clientHeight; // …and the one that puts it at the bottom
      if (el.scrollTop > rowStart) el.scrollTop = rowStart;
      else if (el.scrollTop < rowEnd) el.scrollTop = rowEnd;
      box.read();
    },
    scrollToTop() {
      if (box.el) box.el.scrollTop = 0;
      box.read();
    },
  };
}
