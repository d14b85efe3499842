// The store's API credentials when none are given: generated once, kept in an owner-only file in the data
// directory, and shown to the user only when they are first created.
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

/** Loads the kept credentials, or creates them; `created` tells the caller to print them (once). */
export async function loadOrCreateCredentials(dataDir: string): Promise<{ credentials: StoreCredentials; created: boolean }> {
  const path = credentialsPath(dataDir);
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as StoreCredentials;
    if (typeof parsed.secretId !== 'string' || typeof parsed.secretKey !== 'string') throw new Error(`${path} is not a credentials file`);
    return { credentials: parsed, created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await makeDirs(dataDir, 0o700);
  const credentials = generate();
  await writeSecretFile(path, JSON.stringify(credentials, null, 2), { exclusive: true });
  return { credentials, created: true };
}
