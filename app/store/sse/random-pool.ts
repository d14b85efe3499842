// Random bytes for the per-request hot path (object keys, ids, salts, request ids), drawn from a pooled CSPRNG
// buffer: one crypto.randomFillSync per 4 KiB instead of one per value. A small PUT needs about six values, and each
// separate call cost ~50 µs of the request thread under load (the store's top crypto item in a profile of 4 KiB
// PUTs). The bytes are the same CSPRNG output; each value is copied out and its bytes in the pool are zeroed, so
// key material does not linger there after it was handed out.
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

export function randomBytesPooled(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`invalid random byte count ${n}`);
  const out = Buffer.allocUnsafeSlow(n);
  if (n > POOL_BYTES / 8) return randomFillSync(out);
  if (offset + n > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  pool.copy(out, 0, offset, offset + n);
  pool.fill(0, offset, offset + n);
  offset += n;
  return out;
}
