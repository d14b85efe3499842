// The window's size and position, remembered in COFFER_HOME/window.json (written crash-safely) and restored only
// when they still fit a display (a monitor unplugged since must not leave the window off-screen).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../platform/durable-fs';
import type { BrowserWindowLike, ScreenLike } from './electron-api';

export const DEFAULT_BOUNDS = { width: 1200, height: 800 };
export const MIN_SIZE = { width: 720, height: 480 };

const Saved = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(MIN_SIZE.width).max(20_000),
  height: z.number().int().min(MIN_SIZE.height).max(20_000),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof Saved>;

export function windowStatePath(home: string): string {
  return join(home, 'window.json');
}

export async function loadWindowState(home: string, screen: ScreenLike): Promise<Partial<WindowState> & { width: number; height: number }> {
  try {
    const saved = Saved.parse(JSON.parse(await readFile(windowStatePath(home), 'utf8')));
    // At least a 100×100 corner of the title area must be on some display's work area.
    const visible = screen.getAllDisplays().some(({ workArea: a }) => saved.x + 100 <= a.x + a.width && saved.x + saved.width - 100 >= a.x && saved.y >= a.y && saved.y + 100 <= a.y + a.height);
    return visible ? saved : { width: saved.width, height: saved.height, maximized: saved.maximized };
  } catch {
    return { ...DEFAULT_BOUNDS };
  }
}

/** Saves the window's normal (not maximized) bounds whenever it moves or resizes, and when it closes. */
export function rememberWindowState(win: BrowserWindowLike, home: string, delayMs = 500): void {
  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    if (win.isDestroyed()) return;
    const b = win.getNormalBounds();
    const state: WindowState = { x: Math.round(b.x), y: Math.round(b.y), width: Math.max(MIN_SIZE.width, Math.round(b.width)), height: Math.max(MIN_SIZE.height, Math.round(b.height)), maximized: win.isMaximized() };
    void writeFileAtomic(windowStatePath(home), JSON.stringify(state) + '\n', 0o600).catch(() => undefined);
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(save, delayMs);
    timer.unref?.();
  };
  for (const e of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(e, later);
  win.on('close', () => {
    clearTimeout(timer);
    save();
  });
}
