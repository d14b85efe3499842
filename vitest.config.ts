import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration tests start real servers and child processes; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // Test files share their worker's module cache instead of each importing React, jsdom, zod and the app afresh:
    // this halves the renderer tests' time and saves about a minute and a half of the node tests'. So a test must
    // not rely on a module's first-import state (crc64-lazy-kernel.test.ts imports its module afresh) and must put
    // back any process.env it changes.
    isolate: false,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['app/**/*.test.ts', 'shared/**/*.test.ts'],
          // The CLI tests run the bins, which run the bundle in dist/cli: built (if a source changed) once, up front.
          globalSetup: ['scripts/test-global-setup.mjs'],
        },
      },
      {
        // The renderer's stores and components, in jsdom with Testing Library.
        extends: true,
        plugins: [react()],
        test: {
          name: 'renderer',
          include: ['renderer/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['renderer/test-support/setup.ts'],
        },
      },
    ],
  },
});
