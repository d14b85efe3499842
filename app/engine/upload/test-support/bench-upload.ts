// Rough throughput of the upload engine against an in-process store on loopback:
// `node --import tsx app/engine/upload/test-support/bench-upload.ts [MiB]`. Prints MiB/s for a file upload
// (multipart, default options) in each mode and for a stream upload, with the peak RSS growth of the latter.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFixture } from '../../../store/test-support/store-fixture';
import { testClient } from '../../../cos/client/test-support/client-fixture';
import { UploadEngine } from '../upload-engine';
import type { UploadEncryption } from '../upload-encryption';

const MiB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] ?? 256);
const f = await startFixture({ log: () => undefined });
const client = testClient(f.port);
await client.createBucket('bench');
const dir = await mkdtemp(join(tmpdir(), 'bench-upload-'));
const path = join(dir, 'big.bin');
const chunk = randomBytes(MiB);
await writeFile(path, Buffer.concat(Array.from({ length: sizeMiB }, () => chunk)));
const engine = new UploadEngine(client, join(dir, 'journal'));
const modes: UploadEncryption[] = [{ mode: 'none' }, { mode: 'SSE-COS' }, { mode: 'SSE-C', key: randomBytes(32) }];
for (const encryption of modes) {
  const t0 = performance.now();
  const r = await engine.start({ bucket: 'bench', key: `file-${encryption.mode}`, path, encryption }).done;
  const s = (performance.now() - t0) / 1000;
  console.log(`file ${sizeMiB} MiB ${encryption.mode}: ${r.state} in ${s.toFixed(2)} s = ${(sizeMiB / s).toFixed(0)} MiB/s`);
}
const rss0 = process.memoryUsage().rss;
let peak = rss0;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const t0 = performance.now();
const r = await engine.start({ bucket: 'bench', key: 'stream', stream: createReadStream(path), encryption: { mode: 'SSE-COS' } }).done;
const s = (performance.now() - t0) / 1000;
clearInterval(timer);
console.log(`stream ${sizeMiB} MiB SSE-COS (size undeclared): ${r.state} in ${s.toFixed(2)} s = ${(sizeMiB / s).toFixed(0)} MiB/s, peak RSS growth ${((peak - rss0) / MiB).toFixed(0)} MiB`);
await client.close();
await f.close();
await rm(dir, { recursive: true, force: true });
