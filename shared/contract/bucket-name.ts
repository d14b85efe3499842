// COS's rule for a new bucket's name, in one place: the window checks it as the user types, the core before it sends
// anything. A bucket is `<name>-<APPID>`; the name is lowercase letters, digits and "-", neither starting nor ending
// with "-"; and the bucket's whole domain, `<name>-<APPID>.cos.<region>.myqcloud.com`, is at most 60 characters
// (COS's bucket overview: "123456789012345678901-1250000000.cos.ap-beijing.myqcloud.com contains 60 characters"),
// so how long the name may be depends on the APPID and the region. The embedded store accepts every name this
// allows (its own limit is 50 characters before the APPID).

/** What is wrong with a name, for a translated sentence: 'empty', 'characters', 'edges' or 'tooLong'. */
export type BucketNameProblem = 'empty' | 'characters' | 'edges' | 'tooLong';

const DOMAIN_LIMIT = 60;
/** ".cos." and ".myqcloud.com" around the bucket and the region. */
const DOMAIN_PARTS = '.cos.'.length + '.myqcloud.com'.length;

/** The longest name (before "-<APPID>") COS accepts for this APPID in this region. */
export function maxBucketNameLength(appId: string, region: string): number {
  return DOMAIN_LIMIT - DOMAIN_PARTS - region.length - appId.length - 1;
}

/** Why `name` (without "-<APPID>") cannot name a new bucket, or null when it can. */
export function bucketNameProblem(name: string, appId: string, region: string): BucketNameProblem | null {
  if (name === '') return 'empty';
  if (!/^[a-z0-9-]+$/.test(name)) return 'characters';
  if (name.startsWith('-') || name.endsWith('-')) return 'edges';
  if (name.length > maxBucketNameLength(appId, region)) return 'tooLong';
  return null;
}
