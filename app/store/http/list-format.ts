// Pieces every listing response shares: the owner element and `encoding-type=url` key encoding.
import { cosEncode } from '../../cos/cos-url-encode';

/** Owner of everything in this single-account store: the APPID, as COS prints it in listings. */
export function ownerOf(appid: string): { ID: string; DisplayName: string } {
  return { ID: appid, DisplayName: appid };
}

/** Keys and prefixes percent-encoded (slashes kept) when the client asked for encoding-type=url. */
export function encodeIf(url: boolean, s: string): string {
  return url ? cosEncode(s).replace(/%2F/g, '/') : s;
}
