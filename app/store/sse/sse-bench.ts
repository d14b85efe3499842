// Throughput check for the SSE data path: `node --import tsx app/store/sse/sse-bench.ts [MiB]`.
// Encrypt: 64 KiB-aligned 1 MiB pushes through ChunkEncryptor. Decrypt: a full-range readDecryptedRange of a
// real file (page cache warm), which includes the positional reads. Reports median and best of 7 runs, MB = 10⁶ B.

import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChunkEncryptor } from './chunk-encryptor';
import { readDecryptedRange } from './range-reader';
import { newDataFileContext } from './sse-data-format';

const MiB = 1024 * 1024;
const total = Number(process.argv[2] ?? 256) * MiB;
const runs = 7;

function stats(label: string, rates: number[]): void {
  const s = [...rates].sort((a, b) => a - b);
  console.log(`${label}: median ${s[s.length >> 1].toFixed(0)} MB/s (best ${s[s.length - 1].toFixed(0)}, worst ${s[0].toFixed(0)})`);
}

async function main(): Promise<void> {
  const oek = randomBytes(32);
  const objectId = randomBytes(16);
  const input = randomBytes(MiB);
  const enc: number[] = [];
  for (let r = 0; r < runs; r++) {
    const e = new ChunkEncryptor(newDataFileContext(oek, objectId, 0, 'bench', 'obj'));
    let sink = 0;
    const t0 = process.hrtime.bigint();
    for (let done = 0; done < total; done += MiB) for (const b of e.push(input)) sink += b.length;
    for (const b of e.finish()) sink += b.length;
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (sink === 0) throw new Error('unreachable');
    enc.push(total / 1e6 / dt);
  }
  stats(`encrypt ${total / MiB} MiB in 1 MiB pushes`, enc);

  // Unaligned pushes (as a socket delivers them) exercise the copy-into-pending path.
  const odd = randomBytes(MiB + 4099);
  const encOdd: number[] = [];
  for (let r = 0; r < runs; r++) {
    const e = new ChunkEncryptor(newDataFileContext(oek, objectId, 0, 'bench', 'obj'));
    let pushed = 0;
    const t0 = process.hrtime.bigint();
    while (pushed < total) {
      e.push(odd);
      pushed += odd.length;
    }
    e.finish();
    encOdd.push(pushed / 1e6 / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  stats('encrypt in unaligned (1 MiB + 4099 B) pushes', encOdd);

  const dir = await mkdtemp(join(tmpdir(), 'sse-bench-'));
  try {
    const ctx = newDataFileContext(oek, objectId, 0, 'bench', 'obj');
    const path = join(dir, 'data');
    const w = await open(path, 'w');
    const e = new ChunkEncryptor(ctx);
    for (let done = 0; done < total; done += MiB) await w.writev(e.push(input));
    await w.writev(e.finish());
    await w.close();
    const dec: number[] = [];
    for (let r = 0; r < runs; r++) {
      const fh = await open(path, 'r');
      let got = 0;
      const t0 = process.hrtime.bigint();
      for await (const b of readDecryptedRange(fh, ctx, total, 0, total - 1)) got += b.length;
      const dt = Number(process.hrtime.bigint() - t0) / 1e9;
      await fh.close();
      if (got !== total) throw new Error(`read ${got} of ${total}`);
      dec.push(total / 1e6 / dt);
    }
    stats(`decrypt ${total / MiB} MiB full-range read`, dec);

    // A 1-byte range: header + size checks, DK derivation, one positional read, one 64 KiB chunk decrypt.
    const fh = await open(path, 'r');
    const lat: number[] = [];
    for (let r = 0; r < 2000; r++) {
      const pos = (r * 7919 * 65536 + 12345) % total;
      const t0 = process.hrtime.bigint();
      for await (const b of readDecryptedRange(fh, ctx, total, pos, pos)) if (b.length !== 1) throw new Error('bad slice');
      lat.push(Number(process.hrtime.bigint() - t0) / 1e3);
    }
    await fh.close();
    lat.sort((a, b) => a - b);
    console.log(`1-byte range read: median ${lat[1000].toFixed(0)} µs, p99 ${lat[1980].toFixed(0)} µs`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
