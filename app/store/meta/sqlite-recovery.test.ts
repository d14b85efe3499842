// The hot-journal guard: a journal header left after open means SQLite did not roll the file back.

import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { tempDataDir } from './meta-test-kit';
import { assertNoHotJournal } from './sqlite-recovery';

let dir: string;
beforeEach(async () => {
  dir = await tempDataDir();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('accepts no journal or a finished (zeroed) one, and refuses a live header', () => {
  const db = path.join(dir, 'meta.db');
  assertNoHotJournal(db);
  writeFileSync(`${db}-journal`, Buffer.alloc(512));
  assertNoHotJournal(db);
  const header = Buffer.alloc(512);
  Buffer.from('d9d505f920a163d7', 'hex').copy(header);
  writeFileSync(`${db}-journal`, header);
  expect(() => assertNoHotJournal(db)).toThrow(/interrupted transaction that was not rolled back/);
});
