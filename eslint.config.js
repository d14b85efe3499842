// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'release/', 'coverage/', '.scratch/', '**/*.d.ts'] },
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
    files: ['app/cos/**/*.ts', 'app/engine/**/*.ts', 'app/vault/**/*.ts', 'app/audit/**/*.ts', 'app/cli/**/*.ts', 'app/platform/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
);
