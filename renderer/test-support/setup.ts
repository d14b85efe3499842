// jsdom set-up for the renderer tests: unmount after each test, and give the table's scroll box a size (jsdom
// lays nothing out), so the virtualizer shows what a 640-pixel-high window would.
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

export const VIEWPORT_HEIGHT = 640;

afterEach(() => cleanup());
// findBy…/waitFor give up after 1 s by default; the shared 2-core machine can be slower than that. Waiting
// longer costs nothing when things go right.
configure({ asyncUtilTimeout: 10_000 });

Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
  configurable: true,
  get(this: HTMLElement) {
    return this.classList.contains('table-scroll') ? VIEWPORT_HEIGHT : 0;
  },
});
Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
  configurable: true,
  get(this: HTMLElement) {
    return this.classList.contains('table-scroll') ? 1000 : 0;
  },
});

// jsdom has no CSS.escape, which react-aria's popovers use; browsers all have it.
const css = ((globalThis as { CSS?: Partial<typeof CSS> }).CSS ??= {}) as { escape?: (s: string) => string };
css.escape ??= (s: string) => s.replace(/[^a-zA-Z0-9_-]/g, (c) => `\\${c}`);
