// HTTPS for the store: a given certificate and key, or `--tls self-signed`, which generates an EC certificate
// for localhost/127.0.0.1/::1 once and keeps it (key 0600) beside the keyring, outside the data directory.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSecretFile } from './sse/secret-file';
import { makeDirs } from '../platform/make-dirs';

export interface TlsFlags {
  tls?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
}

export class TlsConfigError extends Error {}

async function readPem(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new TlsConfigError(`cannot read the TLS ${what} ${path}: ${(err as Error).message}`);
  }
}

export async function loadTls(flags: TlsFlags, keepDir: string, _dataDir: string): Promise<{ cert: Buffer; key: Buffer }> {
  if (flags['tls-cert'] || flags['tls-key']) {
    if (flags.tls !== undefined) throw new TlsConfigError('use either --tls self-signed or --tls-cert/--tls-key, not both');
    if (!flags['tls-cert'] || !flags['tls-key']) throw new TlsConfigError('--tls-cert and --tls-key go together');
    return { cert: await readPem(flags['tls-cert'], 'certificate'), key: await readPem(flags['tls-key'], 'key') };
  }
  if (flags.tls !== 'self-signed') throw new TlsConfigError(`--tls takes "self-signed" (got "${flags.tls}")`);
  const certPath = join(keepDir, 'tls-self-signed.crt');
  const keyPath = join(keepDir, 'tls-self-signed.key');
  try {
    return { cert: await readFile(certPath), key: await readFile(keyPath) };
  } catch {
    // not generated yet
  }
  const notBefore = new Date();
  const notAfter = new Date(notBefore.getTime() + 825 * 24 * 3600 * 1000);
  // Loaded only here: the X.509 libraries cost ~15 MB of memory that a plain-HTTP store does not need.
  const { default: selfsigned } = await import('selfsigned');
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'coffer-store' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  });
  await makeDirs(keepDir, 0o700);
  await writeSecretFile(keyPath, pems.private);
  await writeSecretFile(certPath, pems.cert);
  return { cert: Buffer.from(pems.cert), key: Buffer.from(pems.private) };
}
