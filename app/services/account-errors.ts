// Why an account's keys did not work when they were tested, one sentence per cause, so the person typing them knows
// what to fix: a SecretKey that does not match (SignatureDoesNotMatch), a SecretId nobody knows
// (InvalidAccessKeyId), a clock too far off (RequestTimeTooSkewed), a session token refused, keys without the right
// to list buckets, and on the way there an address where nothing answers (ECONNREFUSED), a name that is not found
// (ENOTFOUND), no answer in time, or a certificate this computer does not trust. Each has its own code (the window
// translates by code); the server's own code stays in the details.
import { CosNetworkError, CosServiceError } from '../cos/client/errors';
import { isCertificateCode, toAppError } from './errors';
import { ServiceError } from './service-error';

const TOKEN_CODES = new Set(['InvalidSecurityToken', 'ExpiredToken', 'InvalidToken', 'TokenExpired']);
const REFUSED = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);
const NOT_FOUND = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME']);
const NO_ROUTE = new Set(['ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_SOCKET']);

/** The service that was asked, as the sentences name it: "COS" or the store's URL. */
export function serviceName(kind: 'cos' | 'store', endpoint?: string): string {
  return kind === 'cos' ? 'COS' : `the store at ${endpoint}`;
}

/** A failed test of an account's keys → the error the account dialog shows. */
export function accountTestFailure(err: unknown, serviceNamed: string): ServiceError {
  if (err instanceof ServiceError) return err;
  // It starts most sentences: "The store at …".
  const service = serviceNamed.charAt(0).toUpperCase() + serviceNamed.slice(1);
  const details = { ...toAppError(err).details };
  if (err instanceof CosServiceError) {
    const say = (code: string, message: string) => new ServiceError('access', code, message, details, { cause: err });
    if (err.code === 'SignatureDoesNotMatch') {
      return say('AccountSecretKeyWrong', `${service} refused the SecretKey: it does not belong to this SecretId. Copy the SecretKey again (all of it, without spaces) and try again.`);
    }
    if (err.code === 'InvalidAccessKeyId') {
      return say('AccountSecretIdUnknown', `${service} does not know this SecretId. Check it (COS SecretIds start with AKID), or create a key under API keys in the Tencent Cloud console.`);
    }
    if (err.code === 'RequestTimeTooSkewed') {
      return say('AccountClockSkewed', `${service} refused the request because this computer's clock is too far off (more than 15 minutes). Set the date and time right (automatic time), then try again.`);
    }
    if (TOKEN_CODES.has(err.code)) {
      return say('AccountSessionTokenRefused', `${service} refused the session token: it is wrong or has expired. Get new temporary keys, or leave the token empty for permanent keys.`);
    }
    if (err.code === 'AccessDenied' || err.status === 403) {
      return say('AccountMayNotList', `These keys work, but may not list buckets (${err.code}). Give them permission to list buckets (GetService) in the Tencent Cloud console, or use other keys.`);
    }
    return new ServiceError('failed', 'AccountServiceRefused', `${service} answered with an error (${err.code}) instead of the list of buckets. Check the address and the keys, then try again.`, details, { cause: err });
  }
  if (err instanceof CosNetworkError) {
    const code = err.code ?? '';
    const say = (kind: 'failed' | 'access', c: string, message: string) => new ServiceError(kind, c, message, { ...details, retryable: kind === 'failed' }, { cause: err });
    if (REFUSED.has(code)) return say('failed', 'AccountUnreachable', `Nothing answered at ${serviceNamed} (${code}). Check the address and that the service is running there, then try again.`);
    if (NOT_FOUND.has(code)) return say('failed', 'AccountHostNotFound', `The address of ${serviceNamed} could not be found (${code}). Check how it is spelled, and that this computer is online.`);
    if (NO_ROUTE.has(code)) return say('failed', 'AccountNoAnswer', `${service} did not answer in time (${code}). Check that this computer is online (and the address), then try again.`);
    if (isCertificateCode(code)) return say('access', 'AccountCertificate', `The HTTPS certificate of ${serviceNamed} is not one this computer trusts (${code}). Check the address; a store with its own certificate needs it installed on this computer.`);
  }
  const e = toAppError(err);
  return ServiceError.of(e, err);
}
