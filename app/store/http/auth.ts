// Authentication: classify the request (signed header, pre-signed query, anonymous) and check the COS
// signature against the store's credentials. Authorization (who may do what) lives in access.ts.
import type { IncomingMessage } from 'node:http';
import { parseAuthorization, verifyAuthorization, SignatureParseError, type ParsedAuthorization } from '../../cos/signer';
import type { StoreCredentials } from '../config';
import { CosError } from './cos-error';
import type { RequestTarget } from './request-target';

export type Principal = { kind: 'signed'; secretId: string } | { kind: 'anonymous' };

const Q_PARAMS = ['q-sign-algorithm', 'q-ak', 'q-sign-time', 'q-key-time', 'q-header-list', 'q-url-param-list', 'q-signature'];

function authorizationFromQuery(query: Map<string, string>): string | undefined {
  if (!query.has('q-sign-algorithm') && !query.has('q-signature')) return undefined;
  return Q_PARAMS.map((name) => `${name}=${query.get(name) ?? ''}`).join('&');
}

export function headerValue(req: IncomingMessage, lowerName: string): string | undefined {
  const v = req.headers[lowerName];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

export function authenticate(
  req: IncomingMessage,
  target: RequestTarget,
  credentials: StoreCredentials[],
  clockSkewSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): Principal {
  const header = headerValue(req, 'authorization');
  const fromQuery = header ? undefined : authorizationFromQuery(target.query);
  const raw = header ?? fromQuery;
  if (raw === undefined) return { kind: 'anonymous' };

  let parsed: ParsedAuthorization;
  try {
    parsed = parseAuthorization(raw);
  } catch (err) {
    if (err instanceof SignatureParseError) throw new CosError('AccessDenied', `Malformed signature: ${err.message}`);
    throw err;
  }
  const cred = credentials.find((c) => c.secretId === parsed.ak);
  if (!cred) throw new CosError('InvalidAccessKeyId', 'The access key Id you provided does not exist in our records.');

  if (nowSeconds > parsed.end + clockSkewSeconds) throw new CosError('AccessDenied', 'Request has expired');
  if (parsed.start > nowSeconds + clockSkewSeconds) {
    throw new CosError('RequestTimeTooSkewed', 'The difference between the request time and the server time is too large.');
  }

  const lowerQuery = new Map<string, string>();
  for (const [k, v] of target.query) if (!lowerQuery.has(k.toLowerCase())) lowerQuery.set(k.toLowerCase(), v);
  const lookupParam = (name: string) => lowerQuery.get(name);
  const method = req.method ?? 'GET';
  const hostHeader = headerValue(req, 'host');
  // Python's SDK signs the host without the port while sending it with one: accept both spellings.
  const hostVariants = hostHeader && /:\d+$/.test(hostHeader) ? [hostHeader, hostHeader.replace(/:\d+$/, '')] : [hostHeader];
  for (const path of target.signPaths) {
    for (const host of hostVariants) {
      const lookupHeader = (name: string) => (name === 'host' ? host : headerValue(req, name));
      if (verifyAuthorization(parsed, cred.secretKey, method, path, lookupHeader, lookupParam)) {
        return { kind: 'signed', secretId: cred.secretId };
      }
    }
  }
  throw new CosError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
}
