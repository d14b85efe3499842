// The certificate a store presents, read without trusting it. When no authority this computer trusts signed it,
// the account dialog shows its SHA-256 fingerprint; once the user has compared that with the one `coffer-store
// serve` printed and chosen to trust it, the certificate itself is kept with the account, and the account's
// connections accept exactly that certificate (http-transport.ts pinnedTls), whatever name it was issued for.
import { isIP } from 'node:net';
import { connect } from 'node:tls';

export interface PresentedCertificate {
  /** As Node and `coffer-store serve` write it: upper-case hex pairs joined by ':'. */
  sha256: string;
  pem: string;
}

export function presentedCertificate(origin: string, timeoutMs = 10_000): Promise<PresentedCertificate> {
  const url = new URL(origin);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    // Verification off on purpose: this reads the certificate to show it; nothing is sent over this connection.
    const socket = connect({ host, port: Number(url.port || 443), servername: isIP(host) ? undefined : host, rejectUnauthorized: false }, () => {
      const cert = socket.getPeerX509Certificate();
      socket.destroy();
      if (cert) resolve({ sha256: cert.fingerprint256, pem: cert.toString() });
      else reject(Object.assign(new Error(`${origin} presented no certificate`), { code: 'ERR_TLS_NO_CERTIFICATE' }));
    });
    socket.setTimeout(timeoutMs, () => socket.destroy(Object.assign(new Error(`${origin} did not answer in time`), { code: 'ETIMEDOUT' })));
    socket.once('error', reject);
  });
}
