// The on-disk shape of vault.json and its (de)serialisation. Secret fields are sealed (field-cipher.ts); the
// whole document is authenticated by an HMAC under a key derived from the data key, so renaming, re-pointing
// an endpoint, dropping or swapping records is detected too.

import { z } from 'zod';
import { VaultError } from './errors';
import { formatIssues, PROFILE_KINDS } from './profile-schema';

export const VAULT_FORMAT = 'coffer-vault/1';

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const id = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be an id');

const profileRecord = z.strictObject({
  id,
  name: z.string().min(1),
  kind: z.enum(PROFILE_KINDS),
  region: z.string().min(1),
  appid: z.string().min(1),
  endpoint: z.string().optional(),
  /** A store's certificate the user chose to trust (PEM; public, covered by the file's MAC like the endpoint). */
  tlsCertificate: z.string().optional(),
  secretIdMasked: z.string(),
  created: z.string(),
  updated: z.string(),
  secrets: z.strictObject({ secretId: b64, secretKey: b64, sessionToken: b64.optional() }),
});
export type ProfileRecord = z.infer<typeof profileRecord>;

const sseKeyRecord = z.strictObject({
  id,
  name: z.string().min(1),
  md5Fingerprint: b64,
  created: z.string(),
  key: b64,
});
export type SseKeyRecord = z.infer<typeof sseKeyRecord>;

const header = z.strictObject({
  format: z.literal(VAULT_FORMAT),
  vaultId: id,
  created: z.string(),
  protector: z.strictObject({ kind: z.string().min(1), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() }),
  wrappedKey: b64,
  kcv: b64,
});
export type VaultHeader = z.infer<typeof header>;

const documentSchema = z.strictObject({
  header,
  profiles: z.array(profileRecord),
  sseCustomerKeys: z.array(sseKeyRecord),
  mac: b64,
});
export type VaultDocument = z.infer<typeof documentSchema>;
export type VaultBody = Omit<VaultDocument, 'mac'>;

/** Parses vault.json's bytes; anything unexpected is CORRUPT (and the caller must not overwrite the file). */
export function parseVaultFile(bytes: Buffer, path: string): VaultDocument {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (cause) {
    throw new VaultError('CORRUPT', `The vault file ${path} is not valid JSON; it was left untouched. Restore it from a backup or move it away to start a new vault.`, { cause });
  }
  if (json && typeof json === 'object' && 'header' in json) {
    const format = (json as { header?: { format?: unknown } }).header?.format;
    if (typeof format === 'string' && format !== VAULT_FORMAT) {
      throw new VaultError('CORRUPT', `The vault file ${path} has format "${format}", which this version of Coffer does not read.`);
    }
  }
  const r = documentSchema.safeParse(json);
  if (!r.success) {
    throw new VaultError('CORRUPT', `The vault file ${path} is damaged (${formatIssues(r.error.issues)}); it was left untouched.`);
  }
  const ids = new Set<string>();
  for (const rec of [...r.data.profiles, ...r.data.sseCustomerKeys]) {
    if (ids.has(rec.id)) throw new VaultError('CORRUPT', `The vault file ${path} has two records with id ${rec.id}; it was left untouched.`);
    ids.add(rec.id);
  }
  return r.data;
}

export function serializeVault(doc: VaultDocument): string {
  return JSON.stringify(doc, null, 2) + '\n';
}
