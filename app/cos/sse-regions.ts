// Where COS offers server-side encryption: a rule of the service, not of a request. COS refuses any SSE header (a
// PUT, an Initiate, a copy's destination, a bucket's default encryption) for a bucket in another region with
// `InvalidArgument`; clients check it before sending anything, and the embedded store enforces the same list by
// default (its `--sse-regions` can widen it).

/** The regions where COS offers SSE-COS, SSE-KMS and SSE-C. */
export const COS_SSE_REGIONS: readonly string[] = Object.freeze(['ap-beijing', 'ap-shanghai', 'ap-guangzhou']);

/** Whether server-side encryption may be asked for on a bucket in `region`. */
export function sseOfferedIn(region: string, allowed: readonly string[] = COS_SSE_REGIONS): boolean {
  return allowed.includes(region);
}

/** `a`, `a and b`, `a, b and c`: a list as a sentence says it. */
export function sayList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
