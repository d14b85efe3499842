// Builds the renderer (renderer/index.html) into dist/renderer with relative URLs, so both Electron's custom
// protocol and the browser-mode host can serve it from any path. No inline scripts (a strict CSP needs none):
// the module preload polyfill, the one inline piece Vite could add, is off.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    target: 'chrome120',
    chunkSizeWarningLimit: 2000,
  },
  server: { host: '127.0.0.1' },
});
