// Child process of `npm run bench:engine`: uploads each file given on the command line with the engine (default
// options, SSE-COS) and, once loaded and after each upload, prints `ready` / `uploaded <i> <ms>` and waits for a line on stdin, so the parent
// can read this process's VmRSS/VmHWM from /proc/<pid>/status between uploads. Imports only the engine and the
// client (not the store or the test fixtures), so the figures are the engine's.
//
//   node --import tsx engine-rss-child.ts <store URL> <bucket> <journal dir> <file>...
//   env: COFFER_BENCH_SECRET_ID, COFFER_BENCH_SECRET_KEY, COFFER_BENCH_APPID, COFFER_BENCH_REGION
import { createInterface } from 'node:readline';
import { CosClient } from '../../cos/client';
import { UploadEngine } from '../upload';

const [endpoint, bucket, journalDir, ...files] = process.argv.slice(2);
if (!endpoint || !bucket || !journalDir || files.length === 0) throw new Error('usage: engine-rss-child.ts <store URL> <bucket> <journal dir> <file>...');
const secretId = process.env.COFFER_BENCH_SECRET_ID ?? '';
const secretKey = process.env.COFFER_BENCH_SECRET_KEY ?? '';
const client = new CosClient({
  endpoint,
  appid: process.env.COFFER_BENCH_APPID ?? '',
  region: process.env.COFFER_BENCH_REGION ?? '',
  credentials: async () => ({ secretId, secretKey }),
});
const engine = new UploadEngine(client, journalDir);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
process.stdout.write('ready\n');
await lines.next();

for (const [i, path] of files.entries()) {
  const t = performance.now();
  const r = await engine.start({ bucket, key: `rss-${i}.bin`, path }).done;
  if (r.state !== 'completed') throw new Error(`upload of ${path} ended ${r.state}: ${JSON.stringify(r.failed)}`);
  process.stdout.write(`uploaded ${i} ${(performance.now() - t).toFixed(0)}\n`);
  await lines.next();
}
await client.close();
process.exit(0);
