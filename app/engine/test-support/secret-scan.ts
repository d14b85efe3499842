// Scans errors and events for secrets: every value is rendered the ways it could reach a log or the renderer
// (message, stack, util.inspect, JSON) and searched for each secret.
import { inspect } from 'node:util';
import { TEST_CREDENTIALS } from '../../store/test-support/store-fixture';

/** A recognisable SSE-C key: ASCII, so the raw bytes would show up as text too. */
export const SSEC_KEY = Buffer.from('0123456789ABCDEFcofferSSECkey!!!', 'ascii');

export function secretForms(key: Buffer = SSEC_KEY): string[] {
  return [TEST_CREDENTIALS.secretKey, key.toString('base64'), key.toString('hex'), key.toString('latin1')];
}

export function renderings(value: unknown): string[] {
  const out = [inspect(value, { depth: 8, showHidden: false })];
  if (value instanceof Error) out.push(value.message, value.stack ?? '');
  try {
    out.push(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? '');
  } catch {
    // Circular values are covered by inspect above.
  }
  return out;
}

export function findSecrets(values: unknown[], secrets: string[] = secretForms()): string[] {
  const hits: string[] = [];
  for (const v of values) for (const text of renderings(v)) for (const s of secrets) if (text.includes(s)) hits.push(`${s.slice(0, 4)}… in ${text.slice(0, 120)}`);
  return hits;
}
