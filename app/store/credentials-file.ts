// The store's API credentials when none are given: generated once and kept in an owner-only file in the data
// directory; `coffer-store serve` shows them on every start and `coffer-store credentials` prints them.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSecretFile } from './sse/secret-file';
import type { StoreCredentials } from './config';
import { makeDirs } from '../platform/make-dirs';

export function credentialsPath(dataDir: string): string {
  return join(dataDir, 'credentials.json');
}

function generate(): StoreCredentials {
  // COS SecretIds start with AKID and are 36 characters; SecretKeys are 32.
  const id = 'AKID' + randomBytes(24).toString('base64url').replace(/[-_]/g, 'x').slice(0, 32);
  const key = randomBytes(24).toString('base64url').replace(/[-_]/g, 'y').slice(0, 32);
  return { secretId: id, secretKey: key };
}

/** The kept credentials, or undefined when the data directory has none. */
export async function readCredentials(dataDir: string): Promise<StoreCredentials | undefined> {
  const path = credentialsPath(dataDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let parsed: Partial<StoreCredentials> | undefined;
  try {
    parsed = JSON.parse(text) as Partial<StoreCredentials>;
  } catch {
    parsed = undefined;
  }
  if (typeof parsed?.secretId !== 'string' || typeof parsed.secretKey !== 'string') throw new Error(`${path} is not a credentials file`);
  return { secretId: parsed.secretId, secretKey: parsed.secretKey };
}

/** Loads the kept credentials, or creates them; `created` tells the caller they are new. */
export async function loadOrCreateCredentials(dataDir: string): Promise<{ credentials: StoreCredentials; created: boolean }> {
  const kept = await readCredentials(dataDir);
  if (kept) return { credentials: kept, created: false };
  await makeDirs(dataDir, 0o700);
  const credentials = generate();
  try {
    await writeSecretFile(credentialsPath(dataDir), JSON.stringify(credentials, null, 2), { exclusive: true });
  } catch (err) {
    // Another process created them first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { credentials: (await readCredentials(dataDir))!, created: false };
    throw err;
  }
  return { credentials, created: true };
}
