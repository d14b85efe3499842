// COS URL-encoding (cos-protocol.md §2.1): the one percent-encoding rule the signer and URL builders share.
// Only A–Z a–z 0–9 - _ . ~ stay literal; everything else, including ! ' ( ) *, becomes %XX with uppercase hex.

const RESERVED_BY_COS = /[!'()*]/g;

/** encodeURIComponent plus the five characters it leaves alone but COS signs encoded. */
export function cosEncode(s: string): string {
  return encodeURIComponent(s).replace(RESERVED_BY_COS, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** An object key as SDKs put it in a URL path: every segment encoded, the `/` separators kept, one leading `/`. */
export function cosEncodeKeyPath(key: string): string {
  return `/${cosEncode(key).replace(/%2F/g, '/')}`;
}
