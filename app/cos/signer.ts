// The COS XML API request signature, q-sign-algorithm=sha1 (cos-protocol.md §2), for both sides: a client
// builds an Authorization value, the embedded store parses and verifies one. Also the POST Object policy
// signature (§8.2). Pure: no clock reads except for the client's default key time, no I/O.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { cosEncode } from './cos-url-encode';

/** `"<start>;<end>"` in Unix seconds. */
export type KeyTime = string;

const sha1Hex = (text: string): string => createHash('sha1').update(text, 'utf8').digest('hex');
const hmacSha1Hex = (key: string, text: string): string => createHmac('sha1', key).update(text, 'utf8').digest('hex');

/**
 * The last few SignKeys, by secret and key time. A client signs every request of the same second with the same key
 * time, and the store verifies them, so one HMAC per request is saved on both sides (each HMAC object costs a few
 * microseconds, a measurable share of a 4 KiB PUT). Held only in this process, next to the secret it derives from.
 */
const SIGN_KEY_CACHE_MAX = 64;
/** secret → key time → SignKey (keyed by the secret string itself: no new strings that contain it). */
const signKeyCache = new Map<string, Map<string, string>>();

/** SignKey = hex HMAC-SHA1(SecretKey, KeyTime). */
export function signKey(secretKey: string, keyTime: string): string {
  let bySecret = signKeyCache.get(secretKey);
  if (!bySecret) {
    if (signKeyCache.size >= SIGN_KEY_CACHE_MAX) signKeyCache.clear();
    bySecret = new Map();
    signKeyCache.set(secretKey, bySecret);
  }
  let key = bySecret.get(keyTime);
  if (key === undefined) {
    key = hmacSha1Hex(secretKey, keyTime);
    if (bySecret.size >= SIGN_KEY_CACHE_MAX) bySecret.clear();
    bySecret.set(keyTime, key);
  }
  return key;
}

type EncodedPair = readonly [key: string, value: string];

function encodePair(name: string, value: string): EncodedPair {
  return [cosEncode(name).toLowerCase(), cosEncode(value)];
}

function joinPairs(pairs: readonly EncodedPair[]): { list: string; joined: string } {
  return {
    list: pairs.map(([k]) => k).join(';'),
    joined: pairs.map(([k, v]) => `${k}=${v}`).join('&'),
  };
}

/**
 * §2.1 steps 3–4: key → encode + lowercase, value → encode, sort by encoded key (byte order; the encoded
 * form is ASCII so UTF-16 comparison is byte order). Inputs are decoded values; encoding them again here is
 * the only encoding they get.
 */
export function formatPairs(pairs: Array<[string, string]>): { list: string; joined: string } {
  // Array.prototype.sort is stable, so equal keys keep their input order, as in the Node SDK.
  const encoded = pairs.map(([k, v]) => encodePair(k, v)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return joinPairs(encoded);
}

function assembleHttpString(method: string, pathname: string, params: string, headers: string): string {
  // Empty parts keep their newlines: `get\n/key\n\n\n`.
  return `${method.toLowerCase()}\n${pathname}\n${params}\n${headers}\n`;
}

/** HttpString = lower(method) \n decoded pathname \n HttpParameters \n HttpHeaders \n. */
export function httpString(
  method: string,
  pathname: string,
  params: Array<[string, string]>,
  headers: Array<[string, string]>,
): string {
  return assembleHttpString(method, pathname, formatPairs(params).joined, formatPairs(headers).joined);
}

/** StringToSign = "sha1\n" + q-sign-time + "\n" + hex SHA1(HttpString) + "\n". */
export function stringToSign(signTime: string, httpStr: string): string {
  return `sha1\n${signTime}\n${sha1Hex(httpStr)}\n`;
}

/** q-signature for a request whose q-sign-time equals its q-key-time (as every SDK sends). */
export function signatureFor(secretKey: string, keyTime: string, httpStr: string): string {
  // The HMAC key is the SignKey's 40-character hex text, not its 20 raw bytes.
  return hmacSha1Hex(signKey(secretKey, keyTime), stringToSign(keyTime, httpStr));
}

// ---- client side -----------------------------------------------------------------------------------------

/** Header names the Node/JS SDK signs besides any containing `x-cos-` or `x-ci-` (§2.2). */
export const SIGNED_HEADER_NAMES: ReadonlySet<string> = new Set([
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-length',
  'content-md5',
  'content-type',
  'expect',
  'expires',
  'host',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-unmodified-since',
  'origin',
  'range',
  'transfer-encoding',
  'pic-operations',
]);

/**
 * The headers a client signs, with their original names. Empty values are dropped because the SDK drops them
 * (and Node's HTTP stack may not send them), so signing one would break verification.
 */
export function headersToSign(headers: Record<string, string | undefined>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === '') continue;
    const lower = name.toLowerCase();
    if (lower.includes('x-cos-') || lower.includes('x-ci-') || SIGNED_HEADER_NAMES.has(lower)) out.push([name, value]);
  }
  return out;
}

export interface SignOptions {
  secretId: string;
  secretKey: string;
  method: string;
  /** Decoded object path starting with `/` (the key as stored, not URL-encoded). */
  pathname: string;
  /** Every query parameter is signed; an undefined value is a parameter without value (`?acl`). */
  query?: Record<string, string | undefined> | Array<[string, string]>;
  headers?: Record<string, string | undefined>;
  /** Explicit `start;end`; overrides startTime/expiresSeconds. */
  keyTime?: string;
  /** Window start in Unix seconds; default now − 1 s, as the Node SDK does to absorb small clock skew. */
  startTime?: number;
  /** Window length in seconds; default 900 like the Node SDK. */
  expiresSeconds?: number;
}

function defaultKeyTime(startTime: number | undefined, expiresSeconds: number | undefined): string {
  const start = startTime ?? Math.round(Date.now() / 1000) - 1;
  const end = start + (expiresSeconds ?? 900);
  return `${start};${end}`;
}

function queryPairs(query: SignOptions['query']): Array<[string, string]> {
  if (query === undefined) return [];
  if (Array.isArray(query)) return query;
  return Object.entries(query).map(([k, v]) => [k, v ?? '']);
}

/** The `Authorization` header value (or, split on `&`, the pre-signed URL's q-* parameters). */
export function buildAuthorization(opts: SignOptions): string {
  if (!opts.pathname.startsWith('/')) {
    throw new TypeError(`pathname must start with '/': ${JSON.stringify(opts.pathname)}`);
  }
  const keyTime = opts.keyTime ?? defaultKeyTime(opts.startTime, opts.expiresSeconds);
  parseTimeRange('keyTime', keyTime, (msg) => new RangeError(msg));
  const params = formatPairs(queryPairs(opts.query));
  const headers = formatPairs(headersToSign(opts.headers ?? {}));
  const http = assembleHttpString(opts.method, opts.pathname, params.joined, headers.joined);
  return [
    'q-sign-algorithm=sha1',
    `q-ak=${opts.secretId}`,
    `q-sign-time=${keyTime}`,
    `q-key-time=${keyTime}`,
    `q-header-list=${headers.list}`,
    `q-url-param-list=${params.list}`,
    `q-signature=${signatureFor(opts.secretKey, keyTime, http)}`,
  ].join('&');
}

// ---- server side -----------------------------------------------------------------------------------------

/** A malformed or incomplete signature; `message` names the field and what is wrong with it. */
export class SignatureParseError extends Error {
  override name = 'SignatureParseError';
}

export interface ParsedAuthorization {
  algorithm: string;
  ak: string;
  signTime: string;
  keyTime: string;
  /** Bounds of q-sign-time, the window the server enforces. */
  start: number;
  end: number;
  /** Signed header names, decoded, as the client listed them (lowercased by the client before encoding). */
  headerList: string[];
  /** Signed query parameter names, decoded, as the client listed them. */
  urlParamList: string[];
  signature: string;
}

const FIELDS = [
  'q-sign-algorithm',
  'q-ak',
  'q-sign-time',
  'q-key-time',
  'q-header-list',
  'q-url-param-list',
  'q-signature',
] as const;
type Field = (typeof FIELDS)[number];

/** Shown in error messages: enough to diagnose, bounded so a hostile value cannot bloat logs. */
function show(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
}

function decodeOnce(field: string, value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new SignatureParseError(`${field} has invalid percent-encoding: ${show(value)}`);
  }
}

function parseTimeRange(field: string, value: string, fail: (msg: string) => Error): { start: number; end: number } {
  const m = /^(\d{1,15});(\d{1,15})$/.exec(value);
  if (!m) throw fail(`${field} must be "<start>;<end>" in Unix seconds, got ${show(value)}`);
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (start > end) throw fail(`${field} starts after it ends: ${show(value)}`);
  return { start, end };
}

/**
 * Names in q-header-list / q-url-param-list. In a header they are encoded (`a%c3%a9;a~`); in a pre-signed
 * URL the Node SDK's sync form leaves them as is, so after the server's query decoding they may be plain
 * (`aé;a~`), and its async form encodes the whole list once more (`a%3bb`). A list with no `;` but an
 * encoded one is therefore decoded as a whole first; then each name is decoded once. Re-encoding a name
 * in verifyAuthorization gives back exactly what the client signed in all three forms.
 */
function parseNameList(field: Field, raw: string): string[] {
  const whole = !raw.includes(';') && /%3b/i.test(raw) ? decodeOnce(field, raw) : raw;
  if (whole === '') return [];
  return whole.split(';').map((name) => {
    if (name === '') throw new SignatureParseError(`${field} has an empty name: ${show(raw)}`);
    return decodeOnce(field, name);
  });
}

/** Parses an Authorization header value, or the `q-*` pairs of a pre-signed URL joined with `&`. */
export function parseAuthorization(value: string): ParsedAuthorization {
  const found = new Map<Field, string>();
  for (const part of value.trim().replace(/^\?/, '').split('&')) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase() as Field;
    // Unsigned extras (x-cos-security-token, a pre-signed URL's own query) may share the string: skip them.
    if (!FIELDS.includes(key)) continue;
    if (found.has(key)) throw new SignatureParseError(`${key} appears more than once`);
    found.set(key, eq < 0 ? '' : part.slice(eq + 1));
  }
  const missing = FIELDS.filter((f) => !found.has(f));
  if (missing.length > 0) throw new SignatureParseError(`missing ${missing.join(', ')}`);
  const get = (f: Field): string => found.get(f) as string;

  const algorithm = decodeOnce('q-sign-algorithm', get('q-sign-algorithm'));
  if (algorithm !== 'sha1') throw new SignatureParseError(`q-sign-algorithm must be sha1, got ${show(algorithm)}`);
  const ak = decodeOnce('q-ak', get('q-ak'));
  if (ak === '') throw new SignatureParseError('q-ak is empty');
  const parseErr = (msg: string) => new SignatureParseError(msg);
  const signTime = decodeOnce('q-sign-time', get('q-sign-time'));
  const { start, end } = parseTimeRange('q-sign-time', signTime, parseErr);
  const keyTime = decodeOnce('q-key-time', get('q-key-time'));
  parseTimeRange('q-key-time', keyTime, parseErr);
  const signature = decodeOnce('q-signature', get('q-signature'));
  if (!/^[0-9a-f]{40}$/.test(signature)) {
    throw new SignatureParseError(`q-signature must be 40 lowercase hex characters, got ${show(signature)}`);
  }
  return {
    algorithm,
    ak,
    signTime,
    keyTime,
    start,
    end,
    headerList: parseNameList('q-header-list', get('q-header-list')),
    urlParamList: parseNameList('q-url-param-list', get('q-url-param-list')),
    signature,
  };
}

/**
 * Recomputes the signature over exactly the listed headers and parameters, in the order listed (the order
 * the client signed); unlisted extras are ignored and a listed name that is absent counts as empty. Does not
 * look at the clock: the caller checks `start`/`end` against its own time and skew allowance.
 */
export function verifyAuthorization(
  parsed: ParsedAuthorization,
  secretKey: string,
  method: string,
  pathname: string,
  lookupHeader: (lowerName: string) => string | undefined,
  lookupParam: (lowerName: string) => string | undefined,
): boolean {
  const pick = (names: string[], lookup: (lowerName: string) => string | undefined) =>
    joinPairs(names.map((name) => encodePair(name, lookup(name.toLowerCase()) ?? ''))).joined;
  let http: string;
  try {
    const params = pick(parsed.urlParamList, lookupParam);
    http = assembleHttpString(method, pathname, params, pick(parsed.headerList, lookupHeader));
  } catch {
    return false; // a name or value with a lone surrogate cannot be encoded, so it cannot have been signed
  }
  const expected = hmacSha1Hex(signKey(secretKey, parsed.keyTime), stringToSign(parsed.signTime, http));
  const a = Buffer.from(expected, 'latin1');
  const b = Buffer.from(parsed.signature, 'latin1');
  return a.length === b.length && timingSafeEqual(a, b);
}

// ---- POST Object -----------------------------------------------------------------------------------------

/**
 * §8.2: HMAC-SHA1(SignKey hex, hex SHA1(policy)). The policy must be exactly what the base64 `policy` field
 * decodes to: any re-serialisation changes its SHA1. A server may pass the decoded bytes directly, which also
 * keeps invalid UTF-8 from being normalised away before hashing.
 */
export function postPolicySignature(secretKey: string, keyTime: string, policyJsonText: string | Uint8Array): string {
  const digest = createHash('sha1').update(policyJsonText).digest('hex');
  return hmacSha1Hex(signKey(secretKey, keyTime), digest);
}
