// `npm run bench:store`: the store's throughput and latency, each figure next to a baseline measured in the same
// invocation (the machines are shared and noisy, so ratios are what to compare). The store runs in its own
// process (as users run it); this process is the client.
//
//   MD5 rate of one core          the one cost a COS store cannot avoid (the ETag is the plaintext MD5)
//   raw loopback copy to a file   the limit: HTTP body straight to disk, no hashing, no crypto
//   PUT/GET 1 GiB, SSE and plain  through the real store
//   HEAD/s, 1,000-key list page   in a bucket of 100,000 objects
//   peak RSS streaming 4 GiB      the store process, SSE PUT then GET
//
// Options: --size-mib N (default 1024), --big-mib N (default 4096), --objects N (default 100000), --runs N (best of
// N for each throughput figure, default 2), --untuned (start the store without its launch settings, app/store/launch-settings.ts), --json-only.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readBenchOptions, wholeNumberOption } from '../../platform/bench-options';
import { buildAuthorization } from '../../cos/signer';
import { MetadataDb } from '../meta/metadata-db';
import { spawnStore, type StoreProcess } from '../test-support/store-process';
import { TEST_CREDENTIALS } from '../test-support/store-fixture';

const MiB = 1024 * 1024;
const { UNTUNED, JSON_ONLY, SIZE, BIG, OBJECTS, RUNS } = readBenchOptions('bench:store', () => {
  const { values } = parseArgs({
    options: { untuned: { type: 'boolean' }, runs: { type: 'string' }, 'size-mib': { type: 'string' }, 'big-mib': { type: 'string' }, objects: { type: 'string' }, 'json-only': { type: 'boolean' } },
  });
  return {
    UNTUNED: values.untuned === true,
    JSON_ONLY: values['json-only'] === true,
    SIZE: wholeNumberOption('size-mib', values['size-mib'], 1024) * MiB,
    BIG: wholeNumberOption('big-mib', values['big-mib'], 4096) * MiB,
    OBJECTS: wholeNumberOption('objects', values.objects, 100_000),
    RUNS: wholeNumberOption('runs', values.runs, 2),
  };
});
const BLOCK = randomBytes(16 * MiB);
const BUCKET = 'bench-1250000000';
const HOST = `${BUCKET}.cos.ap-guangzhou.myqcloud.com`;
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
const log = (s: string) => {
  if (!JSON_ONLY) console.error(s);
};

function sign(method: string, path: string, headers: Record<string, string>, query: Record<string, string> = {}): string {
  return buildAuthorization({ ...TEST_CREDENTIALS, method, pathname: path, headers, query });
}

/** Streams `size` bytes of the random block as a request body; resolves with the response. */
function sendBody(port: number, method: string, path: string, size: number, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { ...headers, 'Content-Length': String(size) }, agent }, resolve);
    req.on('error', reject);
    let left = size;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, BLOCK.length);
        left -= n;
        if (!req.write(n === BLOCK.length ? BLOCK : BLOCK.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

async function drain(res: IncomingMessage): Promise<number> {
  let n = 0;
  for await (const c of res) n += (c as Buffer).length;
  return n;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

function md5Rate(size: number): number {
  const t = performance.now();
  const h = createHash('md5');
  for (let left = size; left > 0; left -= BLOCK.length) h.update(left >= BLOCK.length ? BLOCK : BLOCK.subarray(0, left));
  h.digest();
  return mbps(size, performance.now() - t);
}

/**
 * The limit: an HTTP server that writes the body straight to a file. With `durable`, it also fdatasyncs the file
 * before answering, as a store must before it acknowledges a write (on this machine's disk that is the real cap).
 */
async function rawLoopbackCopy(dir: string, size: number, durable: boolean): Promise<number> {
  const server = createServer((req, res) => {
    const out = createWriteStream(join(dir, 'raw-copy.bin'));
    req.pipe(out);
    out.on('finish', () => {
      if (!durable) return res.end('ok');
      void open(join(dir, 'raw-copy.bin'), 'r+').then(async (fh) => {
        await fh.datasync();
        await fh.close();
        res.end('ok');
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const { ms } = await timed(async () => drain(await sendBody(port, 'PUT', '/raw', size, {})));
  server.close();
  await rm(join(dir, 'raw-copy.bin'), { force: true });
  return mbps(size, ms);
}

async function putObject(port: number, key: string, size: number, sse: boolean): Promise<number> {
  const path = `/${key}`;
  const headers: Record<string, string> = { host: HOST, 'content-length': String(size) };
  if (sse) headers['x-cos-server-side-encryption'] = 'AES256';
  const { ms, value } = await timed(async () => {
    const res = await sendBody(port, 'PUT', path, size, { ...headers, Authorization: sign('PUT', path, headers) });
    await drain(res);
    return res.statusCode;
  });
  if (value !== 200) throw new Error(`PUT ${key} answered ${value}`);
  return mbps(size, ms);
}

async function getObject(port: number, key: string, size: number): Promise<number> {
  const path = `/${key}`;
  const headers = { host: HOST };
  const { ms, value } = await timed(
    () =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, headers: { ...headers, Authorization: sign('GET', path, headers) }, agent }, (res) => {
          drain(res).then(resolve, reject);
        });
        req.on('error', reject);
        req.end();
      }),
  );
  if (value !== size) throw new Error(`GET ${key} returned ${value} of ${size} bytes`);
  return mbps(size, ms);
}

function simpleRequest(port: number, method: string, path: string, query: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const headers = { host: HOST };
  const qs = new URLSearchParams(query).toString().replace(/\+/g, '%20');
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path: qs ? `${path}?${qs}` : path, headers: { ...headers, Authorization: sign(method, path, headers, query) }, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function headsPerSecond(port: number, key: string, seconds = 3, concurrency = 16): Promise<number> {
  let done = 0;
  const until = performance.now() + seconds * 1000;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const r = await simpleRequest(port, 'HEAD', `/${key}`);
        if (r.status !== 200) throw new Error(`HEAD answered ${r.status}`);
        done++;
      }
    }),
  );
  return done / ((performance.now() - t) / 1000);
}

async function rssPeakMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function seedObjects(dataDir: string, count: number): Promise<void> {
  // Listing reads metadata only, so the 100,000 objects are created as metadata rows in one transaction
  // before the store starts (creating them through HTTP would measure PUT, not listing).
  const db = MetadataDb.open(dataDir);
  try {
    db.createBucket({ name: BUCKET, region: 'ap-guangzhou', created: Date.now(), acl: 'private', encryption: null });
    const recs = [];
    for (let i = 0; i < count; i++) {
      const key = `seed/${String(i % 100).padStart(2, '0')}/${String(i).padStart(7, '0')}.dat`;
      recs.push({
        bucket: BUCKET,
        key,
        size: 1,
        etag: '0cc175b9c0f1b6a831c399e269772661',
        crc64: '0',
        lastModified: Date.now(),
        contentType: 'application/octet-stream',
        headers: {},
        acl: 'default' as const,
        storageClass: 'STANDARD',
        parts: [{ partNumber: 0, size: 1, dataId: i.toString(16).padStart(32, "0"), etag: '0cc175b9c0f1b6a831c399e269772661', crc64: '0' }],
        sse: null,
        sseKid: null,
      });
    }
    db.bulkInsertObjects(recs);
  } finally {
    db.close();
  }
}

/** Flushes dirty pages so one measurement's write-back does not land in the next one's time. */
function flushDisk(): void {
  execFileSync('sync');
}

/** Best of `n` runs, each starting from a flushed disk (shared, noisy machine: the best run is the least disturbed). */
async function bestOf(n: number, run: () => Promise<number>): Promise<number> {
  let best = 0;
  for (let i = 0; i < n; i++) {
    flushDisk();
    best = Math.max(best, await run());
  }
  return best;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-bench-'));
  const dataDir = join(dir, 'data');
  const keyring = join(dir, 'keys', 'keyring.json');
  let store: StoreProcess | undefined;
  const results: Record<string, number> = {};
  try {
    // A first start makes the store (its keyring and the record of it: a data folder without that record is
    // refused), then the objects are seeded while it is stopped.
    store = await spawnStore(dataDir, keyring, { untuned: UNTUNED });
    store.child.kill('SIGTERM');
    await store.exited;
    log(`seeding ${OBJECTS} objects…`);
    await seedObjects(dataDir, OBJECTS);
    // Measure what users run: the coffer-store bin, which runs the bundle (dist/cli), no TypeScript loader. Started
    // as users start it (the bin's launch settings: small young generation, returning malloc), unless --untuned.
    store = await spawnStore(dataDir, keyring, { untuned: UNTUNED });
    const port = store.port;
    const pid = store.child.pid!;
    const rssNow = async () => Number(/VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    // Where the store's memory goes, phase by phase (the next step after a figure that misses its target).
    results.rssIdleMiB = await rssNow();

    log('MD5 rate of one core…');
    results.md5MBps = await bestOf(RUNS, async () => md5Rate(SIZE));
    log('raw loopback copy to a file…');
    results.rawCopyMBps = await bestOf(RUNS, () => rawLoopbackCopy(dir, SIZE, false));
    results.rawCopyDurableMBps = await bestOf(RUNS, () => rawLoopbackCopy(dir, SIZE, true));

    log('PUT/GET 1 GiB plain and SSE…');
    results.putPlainMBps = await bestOf(RUNS, () => putObject(port, 'plain.bin', SIZE, false));
    results.rssAfterPlainPutMiB = await rssNow();
    results.putSseMBps = await bestOf(RUNS, () => putObject(port, 'sse.bin', SIZE, true));
    results.getPlainMBps = await bestOf(RUNS, () => getObject(port, 'plain.bin', SIZE));
    results.getSseMBps = await bestOf(RUNS, () => getObject(port, 'sse.bin', SIZE));
    await simpleRequest(port, 'DELETE', '/plain.bin');

    log('HEAD/s…');
    results.rssAfterGetsMiB = await rssNow();
    results.headPerSec = await headsPerSecond(port, 'sse.bin');
    await simpleRequest(port, 'DELETE', '/sse.bin');

    log('list pages…');
    // The first queries of a fresh process run while WebAssembly is still tiering up: warm up first.
    for (let i = 0; i < 5; i++) {
      for (const delimiter of ['', '/']) await simpleRequest(port, 'GET', '/', { prefix: 'seed/', marker: `seed/0${i}/`, 'max-keys': '1000', ...(delimiter ? { delimiter } : {}) });
    }
    const times: number[] = [];
    for (const marker of ['', 'seed/10/', 'seed/50/0050050.dat', 'seed/99/', 'seed/33/', 'seed/77/0077077.dat']) {
      for (const delimiter of ['', '/']) {
        const t = performance.now();
        const r = await simpleRequest(port, 'GET', '/', { prefix: 'seed/', marker, 'max-keys': '1000', ...(delimiter ? { delimiter } : {}) });
        times.push(performance.now() - t);
        if (r.status !== 200) throw new Error(`list answered ${r.status}`);
      }
    }
    results.listPageMsMedian = median(times);
    results.rssAfterListingMiB = await rssNow();
    results.listPageMsMax = Math.max(...times);

    log(`streaming ${BIG / MiB} MiB with SSE for peak RSS…`);
    flushDisk();
    const rssBefore = await rssPeakMiB(store.child.pid!);
    // Reset the peak (VmHWM) so the figure is this stream's, not the earlier 1 GiB transfers'.
    await writeFile(`/proc/${store.child.pid}/clear_refs`, '5');
    results.rssAtStartMiB = await rssNow();
    results.bigPutSseMBps = await putObject(port, 'big.bin', BIG, true);
    results.bigGetSseMBps = await getObject(port, 'big.bin', BIG);
    results.rssPeakMiB = await rssPeakMiB(store.child.pid!);
    results.rssPeakBeforeBigMiB = rssBefore;
    await simpleRequest(port, 'DELETE', '/big.bin');
  } finally {
    store?.child.kill('SIGTERM');
    await store?.exited;
    await rm(dir, { recursive: true, force: true });
    agent.destroy();
  }

  const ratios = {
    sseCostPut: 1 - results.putSseMBps! / results.putPlainMBps!,
    sseCostGet: 1 - results.getSseMBps! / results.getPlainMBps!,
    ssePutVsMd5: results.putSseMBps! / results.md5MBps!,
    ssePutVsRawCopy: results.putSseMBps! / results.rawCopyMBps!,
    ssePutVsDurableRawCopy: results.putSseMBps! / results.rawCopyDurableMBps!,
  };
  const rows: Array<[string, string, string]> = [
    ['MD5, one core (baseline)', `${results.md5MBps!.toFixed(0)} MB/s`, ''],
    ['raw loopback copy to file (limit)', `${results.rawCopyMBps!.toFixed(0)} MB/s`, 'page cache, no fsync'],
    ['raw copy + fdatasync (durable limit)', `${results.rawCopyDurableMBps!.toFixed(0)} MB/s`, 'what a store that acks only durable writes can reach'],
    ['PUT 1 GiB, no SSE', `${results.putPlainMBps!.toFixed(0)} MB/s`, ''],
    ['PUT 1 GiB, SSE-COS', `${results.putSseMBps!.toFixed(0)} MB/s`, `${ratios.ssePutVsMd5.toFixed(2)}× MD5, ${ratios.ssePutVsDurableRawCopy.toFixed(2)}× durable copy (target ≥ 0.8× MD5, ≥ 250 MB/s)`],
    ['GET 1 GiB, no SSE', `${results.getPlainMBps!.toFixed(0)} MB/s`, ''],
    ['GET 1 GiB, SSE-COS', `${results.getSseMBps!.toFixed(0)} MB/s`, 'target ≥ 600 MB/s'],
    ['SSE cost on PUT / GET', `${(ratios.sseCostPut * 100).toFixed(0)}% / ${(ratios.sseCostGet * 100).toFixed(0)}%`, 'target ≤ 25%'],
    ['HEAD/s (16 connections)', results.headPerSec!.toFixed(0), 'target ≥ 3,000'],
    [`1,000-key list page, ${OBJECTS} objects`, `${results.listPageMsMedian!.toFixed(1)} ms median, ${results.listPageMsMax!.toFixed(1)} max`, 'target ≤ 50 ms'],
    [`peak RSS streaming ${BIG / MiB} MiB SSE`, `${results.rssPeakMiB!.toFixed(0)} MiB (RSS ${results.rssAtStartMiB!.toFixed(0)} MiB at start)`, 'target ≤ 150 MB, flat'],
  ];
  if (!JSON_ONLY) {
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    console.log(`${'measure'.padEnd(w0)}  ${'result'.padEnd(w1)}  note`);
    for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`);
  }
  console.log(JSON.stringify({ untuned: UNTUNED, sizeBytes: SIZE, bigBytes: BIG, objects: OBJECTS, results, ratios }, null, 2));
}

await main();
