// The one place that loads node-sqlite3-wasm. It is a CommonJS module whose exports Node's ESM loader cannot see
// by name (only `default` exists at run time), so it is required; the types come from its own typings.

import { createRequire } from 'node:module';
import type * as Sqlite from 'node-sqlite3-wasm';

const sqlite = createRequire(import.meta.url)('node-sqlite3-wasm') as typeof Sqlite;

export const Database = sqlite.Database;
export type Database = Sqlite.Database;
export type Statement = Sqlite.Statement;
export type SqlValue = Sqlite.SQLiteValue;
export type SqlRow = Record<string, SqlValue>;
