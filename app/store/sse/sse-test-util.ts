// Test-only helpers for the SSE suites: a seeded PRNG (so a failing property case can be replayed with
// SSE_TEST_SEED), encrypt-to-file with arbitrary push splits, and a reader that records every yielded byte
// even when the read ends in an error — the tamper tests assert on exactly what was released.

import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChunkEncryptor } from './chunk-encryptor';
import { readDecryptedRange, type DataFileExpectation } from './range-reader';
import type { DataFileContext } from './sse-data-format';
import { Rng } from '../../platform/test-support/rng';

export { Rng };

export const TEST_SEED = Number(process.env.SSE_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** Push sizes from 1 byte to 8 MiB, weighted toward the chunk-boundary neighbourhood where bugs live. */
export function randomSplits(rng: Rng, total: number): number[] {
  const out: number[] = [];
  let left = total;
  while (left > 0) {
    const kind = rng.int(0, 5);
    const n =
      kind === 0 ? rng.int(1, 16)
      : kind === 1 ? rng.int(65534, 65538)
      : kind === 2 ? rng.int(1, 200_000)
      : kind === 3 ? 65536 * rng.int(1, 4)
      : kind === 4 ? rng.int(1, 4096)
      : rng.int(1, 8 * 1024 * 1024);
    const take = Math.min(n, left);
    out.push(take);
    left -= take;
  }
  return out;
}

export function encryptBytes(ctx: DataFileContext, plain: Buffer, splits: number[] = [plain.length], expectedSize?: number): Buffer {
  const e = new ChunkEncryptor(ctx, expectedSize);
  const parts: Buffer[] = [];
  let off = 0;
  for (const n of splits) {
    parts.push(...e.push(plain.subarray(off, off + n)));
    off += n;
  }
  if (off !== plain.length) throw new Error('splits do not cover the plaintext');
  parts.push(...e.finish());
  return Buffer.concat(parts);
}

export interface ReadOutcome {
  data: Buffer;
  yields: Buffer[];
  error?: unknown;
}

export async function readRangeFile(
  path: string,
  expect: DataFileExpectation,
  plainSize: number,
  start: number,
  end: number,
): Promise<ReadOutcome> {
  const fh = await open(path, 'r');
  const yields: Buffer[] = [];
  try {
    for await (const b of readDecryptedRange(fh, expect, plainSize, start, end)) yields.push(Buffer.from(b));
    return { data: Buffer.concat(yields), yields };
  } catch (error) {
    return { data: Buffer.concat(yields), yields, error };
  } finally {
    await fh.close();
  }
}

export async function withTempDir(prefix: string): Promise<{ dir: string; file: (name: string, bytes: Buffer) => Promise<string>; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  let n = 0;
  return {
    dir,
    file: async (name, bytes) => {
      const p = join(dir, `${n++}-${name}`);
      await writeFile(p, bytes);
      return p;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
