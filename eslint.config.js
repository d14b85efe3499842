// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'release/', 'coverage/', '.scratch/', 'test-results/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Architecture boundaries (../shared/docs/architecture.md): the store is a server any COS client can use,
    // and Electron is confined to app/main and app/preload.
    files: ['app/store/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/engine/**', '**/main/**', '**/renderer/**', 'electron'] }],
    },
  },
  {
    files: ['app/cos/**/*.ts', 'app/engine/**/*.ts', 'app/vault/**/*.ts', 'app/audit/**/*.ts', 'app/cli/**/*.ts', 'app/platform/**/*.ts', 'app/services/**/*.ts', 'app/host/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
  {
    // The IPC contract runs on both sides of the boundary: it imports neither side, nor Node, nor Electron.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'shared/ is the contract; Electron belongs to app/main and app/preload.' }],
          patterns: [
            { regex: '^(\\.\\./)+(app|renderer)(/|$)', message: 'shared/ may import neither app/ nor renderer/.' },
            { regex: '^node:', message: 'shared/ runs in the renderer too: no Node modules.' },
          ],
        },
      ],
    },
  },
  {
    // The renderer is a web page: it talks to the core only through renderer/bridge and the contract in shared/.
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer reaches Electron only through the preload (window.coffer, via renderer/bridge).' }],
          patterns: [
            { regex: '^(\\.\\./)+app(/|$)', message: 'renderer/ may not import app/: use the contract in shared/ through renderer/bridge.' },
            { regex: '^node:', message: 'The renderer is a web page: no Node modules.' },
          ],
        },
      ],
    },
  },
);
