// `npm run bench:engine` (issue 3 §6): the upload engine against the official COS SDK and against the limit, all
// through the embedded store running in its own process on loopback, each figure next to its baselines measured
// in the same invocation (the machines are shared and noisy, so ratios are what to compare). This process is the
// client for the throughput figures; the memory figure comes from a separate child process that runs only the
// engine (engine-rss-child.ts).
//
//   1 GiB file, SSE-COS     engine (default options) vs SDK uploadFile (best settings) vs a raw signed PUT
//                           streaming the file with no checksums (the limit), and the same PUT computing the CRC64
//                           the engine must compute (for reference)
//   10,000 files of 4 KiB   engine folder plan (default file concurrency) vs the faster of SDK uploadFiles and a
//                           bounded-concurrency putObject loop
//   peak RSS                the engine uploading the 1 GiB file, then a 4 GiB file, in a child process (VmRSS and
//                           VmHWM from /proc/<pid>/status after each)
//
// Options: --size-mib N (default 1024), --big-mib N (default 4096), --files N (default 10000), --runs N (rounds;
// each figure is the best of its N runs, default 3; the contenders of a phase take turns within a round),
// --json-only.
import { execFileSync, spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import COS from 'cos-nodejs-sdk-v5';
import { CosClient } from '../../cos/client';
import { Crc64 } from '../../cos/crc64';
import { buildAuthorization } from '../../cos/signer';
import { spawnStore, type StoreProcess } from '../../store/test-support/store-process';
import { APPID, REGION, TEST_CREDENTIALS, newSdkClient } from '../../store/test-support/store-fixture';
import { DEFAULT_UPLOAD_OPTIONS, UploadEngine } from '../upload';
import { readBenchOptions, wholeNumberOption } from '../../platform/bench-options';

const MiB = 1024 * 1024;
const { JSON_ONLY, SIZE, BIG, FILES, RUNS } = readBenchOptions('bench:engine', () => {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string' },
      'size-mib': { type: 'string' },
      'big-mib': { type: 'string' },
      files: { type: 'string' },
      'json-only': { type: 'boolean' },
    },
  });
  return {
    JSON_ONLY: values['json-only'] === true,
    SIZE: wholeNumberOption('size-mib', values['size-mib'], 1024) * MiB,
    BIG: wholeNumberOption('big-mib', values['big-mib'], 4096) * MiB,
    FILES: wholeNumberOption('files', values.files, 10_000),
    RUNS: wholeNumberOption('runs', values.runs, 3),
  };
});
const ROOT = join(import.meta.dirname, '..', '..', '..');
const FILE_SIZE = 4096;
const BUCKET = `enginebench-${APPID}`;
const HOST = `${BUCKET}.cos.${REGION}.myqcloud.com`;
/**
 * The SDK's best settings for one big file: 32 MiB parts, 4 in flight. Measured here uploading 512 MiB (alternating
 * rounds, one process): 8 MiB parts 154–164 MB/s, 16 MiB 139–172, 32 MiB 162–179 (faster than 16 in 4 of 4 pairs).
 */
const SDK_SLICE = { SliceSize: 16 * MiB, ChunkSize: 32 * MiB, ChunkParallelLimit: 4, AsyncLimit: 4 };
/** Files in flight for the SDK's many-small-files runs (the engine uses its default). */
const SDK_FILE_CONCURRENCY = 16;
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
const log = (s: string) => {
  if (!JSON_ONLY) console.error(s);
};

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** Flushes dirty pages so one measurement's write-back does not land in the next one's time. */
function flushDisk(): void {
  execFileSync('sync');
}

/**
 * Best of `n` rounds for each contender, each run starting from a flushed disk (shared, noisy machine: the best run
 * is the least disturbed). The contenders take turns within a round, so a slow spell of the machine — or the
 * write-back and cache churn a previous phase leaves behind — falls on all of them rather than on whichever ran
 * first (measured: run back to back after the 1 GiB phase, the first contender lost ~30%). `prepare` runs before
 * each run, untimed.
 */
async function bestOfRounds<K extends string>(
  n: number,
  contenders: Record<K, (round: number) => Promise<number>>,
  prepare?: () => Promise<void>,
): Promise<Record<K, number>> {
  const best = {} as Record<K, number>;
  for (let round = 0; round < n; round++) {
    for (const [name, run] of Object.entries(contenders) as Array<[K, (round: number) => Promise<number>]>) {
      await prepare?.();
      flushDisk();
      const value = await run(round);
      (everyRound[name] ??= []).push(Math.round(value));
      best[name] = Math.max(best[name] ?? 0, value);
    }
  }
  log(`  rounds: ${Object.keys(contenders).map((name) => `${name} ${everyRound[name]!.join(' / ')}`).join('; ')}`);
  return best;
}

/** Every round's figure by contender, for the JSON (how far the machine's noise spread them). */
const everyRound: Record<string, number[]> = {};

/** A file of `size` random bytes (fresh random data for every block, so nothing repeats). */
async function writeRandomFile(path: string, size: number): Promise<void> {
  const fh = await open(path, 'w');
  const block = Buffer.allocUnsafe(16 * MiB);
  try {
    for (let left = size; left > 0; ) {
      const n = Math.min(left, block.length);
      randomFillSync(block, 0, n);
      await fh.write(block, 0, n);
      left -= n;
    }
  } finally {
    await fh.close();
  }
}

function sdkCall<T>(cos: COS, method: string, params: Record<string, unknown>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const fn = (cos as unknown as Record<string, (p: unknown, cb: (e: unknown, d: T) => void) => void>)[method];
    if (!fn) throw new Error(`COS SDK has no method ${method}`);
    fn.call(cos, params, (err, data) => (err ? reject(err instanceof Error ? err : new Error(JSON.stringify(err))) : resolve(data)));
  });
}

/**
 * The limit: one signed PUT streaming the file, SSE-COS, no checksums, no parts. With `crc`, the same PUT also
 * computes the CRC64 of what it sends, as the engine must (file reads of the engine's size): what is left for
 * everything else the engine does (parts, verification, progress) on this machine.
 */
async function rawPut(port: number, key: string, path: string, size: number, crc = false): Promise<number> {
  const pathname = `/${key}`;
  const headers: Record<string, string> = { host: HOST, 'content-length': String(size), 'x-cos-server-side-encryption': 'AES256' };
  const authorization = buildAuthorization({ ...TEST_CREDENTIALS, method: 'PUT', pathname, headers, query: {} });
  const ms = await timed(async () => {
    const req = request({ host: '127.0.0.1', port, method: 'PUT', path: pathname, headers: { ...headers, Authorization: authorization }, agent });
    const answered = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('error', reject);
    });
    if (crc) {
      const hash = new Crc64();
      const tap = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          done(null, chunk);
        },
      });
      await pipeline(createReadStream(path, { highWaterMark: MiB }), tap, req);
    } else {
      await pipeline(createReadStream(path, { highWaterMark: MiB }), req);
    }
    const status = await answered;
    if (status !== 200) throw new Error(`raw PUT answered ${status}`);
  });
  return mbps(size, ms);
}

async function engineFile(engine: UploadEngine, key: string, path: string, size: number): Promise<number> {
  const ms = await timed(async () => {
    const r = await engine.start({ bucket: BUCKET, key, path, encryption: { mode: 'SSE-COS' } }).done;
    if (r.state !== 'completed') throw new Error(`engine upload ended ${r.state}: ${JSON.stringify(r.failed)}`);
  });
  return mbps(size, ms);
}

async function sdkFile(cos: COS, key: string, path: string, size: number): Promise<number> {
  const ms = await timed(() => sdkCall(cos, 'uploadFile', { Bucket: BUCKET, Region: REGION, Key: key, FilePath: path, ServerSideEncryption: 'AES256', ...SDK_SLICE }));
  return mbps(size, ms);
}

async function engineFolder(engine: UploadEngine, folder: string, prefix: string): Promise<number> {
  const ms = await timed(async () => {
    const plan = await engine.plan([folder], { bucket: BUCKET, prefix, encryption: { mode: 'SSE-COS' } });
    if (plan.count !== FILES) throw new Error(`the plan has ${plan.count} items, expected ${FILES}`);
    const r = await engine.start(plan).done;
    if (r.state !== 'completed' || r.counts.completed !== FILES) throw new Error(`engine folder upload ended ${r.state}: ${JSON.stringify(r.counts)}`);
  });
  return FILES / (ms / 1000);
}

async function sdkUploadFiles(cos: COS, folder: string, names: string[], prefix: string): Promise<number> {
  const ms = await timed(async () => {
    const files = names.map((n) => ({ Bucket: BUCKET, Region: REGION, Key: `${prefix}${n}`, FilePath: join(folder, n), ServerSideEncryption: 'AES256' }));
    const r = await sdkCall<{ files: Array<{ error?: unknown }> }>(cos, 'uploadFiles', { files, SliceSize: 16 * MiB });
    const failed = r.files.filter((f) => f.error);
    if (failed.length) {
      // What the SDK says (status, code, message; nothing that could carry a header), for the first failure.
      const e = failed[0]!.error as { statusCode?: number; code?: string; message?: string; error?: { Code?: string; Message?: string } };
      const why = [e.statusCode, e.code ?? e.error?.Code, e.message ?? e.error?.Message].filter((x) => x !== undefined).join(' ');
      throw new Error(`SDK uploadFiles: ${failed.length} files failed (first: ${why})`);
    }
  });
  return FILES / (ms / 1000);
}

async function sdkPutLoop(cos: COS, folder: string, names: string[], prefix: string, concurrency: number): Promise<number> {
  const ms = await timed(async () => {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < names.length) {
          const n = names[next++]!;
          const Body = await readFile(join(folder, n));
          await sdkCall(cos, 'putObject', { Bucket: BUCKET, Region: REGION, Key: `${prefix}${n}`, Body, ServerSideEncryption: 'AES256' });
        }
      }),
    );
  });
  return FILES / (ms / 1000);
}

function procStatus(status: string, field: 'VmRSS' | 'VmHWM'): number {
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
}

/**
 * The engine alone in a child process uploads the 1 GiB file then the big one; once the child is loaded and after
 * each upload, this process reads the child's VmRSS and VmHWM (peak) from /proc/<pid>/status while the child waits.
 * The first entry is the loaded-but-idle baseline (node + tsx + the engine's modules).
 */
async function engineRss(port: number, dir: string, paths: string[]): Promise<Array<{ rssMiB: number; peakMiB: number; ms: number }>> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'engine-rss-child.ts'), `http://127.0.0.1:${port}`, BUCKET, join(dir, 'rss-journal'), ...paths], {
    cwd: ROOT,
    env: {
      ...process.env,
      COFFER_BENCH_SECRET_ID: TEST_CREDENTIALS.secretId,
      COFFER_BENCH_SECRET_KEY: TEST_CREDENTIALS.secretKey,
      COFFER_BENCH_APPID: APPID,
      COFFER_BENCH_REGION: REGION,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const out: Array<{ rssMiB: number; peakMiB: number; ms: number }> = [];
  try {
    for await (const line of createInterface({ input: child.stdout! })) {
      const m = /^(?:ready|uploaded \d+ (\d+))$/.exec(line);
      if (!m) continue;
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      out.push({ rssMiB: procStatus(status, 'VmRSS'), peakMiB: procStatus(status, 'VmHWM'), ms: Number(m[1] ?? 0) });
      flushDisk();
      child.stdin!.write('next\n');
      if (out.length === paths.length + 1) break;
    }
  } finally {
    child.stdin!.end();
  }
  const code = await exited;
  if (code !== 0 || out.length !== paths.length + 1) throw new Error(`engine RSS child exited ${code}: ${err}`);
  return out;
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-engine-bench-'));
  const dataDir = join(dir, 'data');
  const keyring = join(dir, 'keys', 'keyring.json');
  const filePath = join(dir, 'file.bin');
  const bigPath = join(dir, 'big.bin');
  const folder = join(dir, 'small');
  let store: StoreProcess | undefined;
  let client: CosClient | undefined;
  const results: Record<string, number> = {};
  let sdkFilesMethod = '';
  try {
    // Measure the store users run: the coffer-store bin, which runs the bundle (dist/cli), no TypeScript loader.
    store = await spawnStore(dataDir, keyring);
    const port = store.port;
    client = new CosClient({ endpoint: `http://127.0.0.1:${port}`, appid: APPID, region: REGION, credentials: async () => ({ ...TEST_CREDENTIALS }) });
    await client.createBucket(BUCKET);
    const engine = new UploadEngine(client, join(dir, 'journal'));
    const confCwd = join(dir, 'sdk-conf');
    await mkdir(confCwd, { recursive: true });
    const sdk = newSdkClient(port, TEST_CREDENTIALS, { ConfCwd: confCwd, KeepAlive: true, ...SDK_SLICE, FileParallelLimit: SDK_FILE_CONCURRENCY });

    log(`writing a ${SIZE / MiB} MiB random file…`);
    await writeRandomFile(filePath, SIZE);

    log(`${SIZE / MiB} MiB file, SSE-COS: raw PUT, raw PUT + CRC64, engine, SDK uploadFile, ${RUNS} rounds…`);
    // Every run uploads into an empty bucket: the objects of the runs before it are deleted first (untimed).
    // Otherwise a run also pays for what earlier runs left: removing an old version it overwrites and, on this VM,
    // fresh page cache — writing a second GiB of files while the first is still cached cost 2.3–3.4 s more system
    // time than the first GiB (plain fs writes, no store), and the store's CPU per MB rose with every GiB the
    // earlier runs left cached. Which contender paid depended on the order, not on the contender: the engine
    // overwriting its own 128-part object measured 150–180 MB/s against 190–245 after deleting it first.
    const keys = { rawPutMBps: 'raw.bin', rawCrcPutMBps: 'raw-crc.bin', engineFileMBps: 'engine.bin', sdkFileMBps: 'sdk.bin' } as const;
    const big = await bestOfRounds(
      RUNS,
      {
        rawPutMBps: () => rawPut(port, keys.rawPutMBps, filePath, SIZE),
        rawCrcPutMBps: () => rawPut(port, keys.rawCrcPutMBps, filePath, SIZE, true),
        engineFileMBps: () => engineFile(engine, keys.engineFileMBps, filePath, SIZE),
        sdkFileMBps: () => sdkFile(sdk, keys.sdkFileMBps, filePath, SIZE),
      },
      async () => void (await client!.deleteObjects(BUCKET, Object.values(keys))),
    );
    Object.assign(results, big);
    await client.deleteObjects(BUCKET, Object.values(keys));

    log(`writing ${FILES} files of ${FILE_SIZE} bytes…`);
    await mkdir(folder);
    const small = Buffer.allocUnsafe(FILE_SIZE);
    for (let i = 0; i < FILES; i++) await writeFile(join(folder, `f${String(i).padStart(6, '0')}.dat`), randomFillSync(small));
    const names = (await readdir(folder)).sort();

    log(`${FILES} files of 4 KiB: engine, SDK uploadFiles, SDK putObject loop (${SDK_FILE_CONCURRENCY} in flight), ${RUNS} rounds…`);
    Object.assign(
      results,
      await bestOfRounds(RUNS, {
        engineFilesPerSec: (i) => engineFolder(engine, folder, `engine-files-${i}/`),
        sdkUploadFilesPerSec: (i) => sdkUploadFiles(sdk, folder, names, `sdk-uploadfiles-${i}/`),
        sdkPutLoopFilesPerSec: (i) => sdkPutLoop(sdk, folder, names, `sdk-putloop-${i}/`, SDK_FILE_CONCURRENCY),
      }),
    );
    sdkFilesMethod = results.sdkUploadFilesPerSec >= results.sdkPutLoopFilesPerSec ? 'uploadFiles' : `putObject loop, ${SDK_FILE_CONCURRENCY} in flight`;
    results.sdkFilesPerSec = Math.max(results.sdkUploadFilesPerSec, results.sdkPutLoopFilesPerSec);
    await rm(folder, { recursive: true, force: true });

    log(`writing a ${BIG / MiB} MiB random file…`);
    await writeRandomFile(bigPath, BIG);
    flushDisk();
    log(`engine child process: ${SIZE / MiB} MiB then ${BIG / MiB} MiB for RSS…`);
    const [loaded, afterSize, afterBig] = await engineRss(port, dir, [filePath, bigPath]);
    results.childRssLoadedMiB = loaded!.rssMiB;
    results.childRssAfterSizeMiB = afterSize!.rssMiB;
    results.childPeakAfterSizeMiB = afterSize!.peakMiB;
    results.childRssAfterBigMiB = afterBig!.rssMiB;
    results.childPeakAfterBigMiB = afterBig!.peakMiB;
    results.childBigMBps = mbps(BIG, afterBig!.ms);
  } catch (err) {
    // The store's own account of a failure (its log carries no secrets: the store redacts what it logs).
    const storeLog = store?.stderr().trim();
    if (storeLog) console.error(`the store's log, last lines:\n${storeLog.split('\n').slice(-20).join('\n')}`);
    throw err;
  } finally {
    await client?.close();
    store?.child.kill('SIGTERM');
    await store?.exited;
    await rm(dir, { recursive: true, force: true });
    agent.destroy();
  }

  const ratios = {
    engineVsSdkFile: results.engineFileMBps! / results.sdkFileMBps!,
    engineVsRawPut: results.engineFileMBps! / results.rawPutMBps!,
    engineVsRawCrcPut: results.engineFileMBps! / results.rawCrcPutMBps!,
    engineVsSdkFiles: results.engineFilesPerSec! / results.sdkFilesPerSec!,
  };
  const targets = { engineVsSdkFile: 1.3, engineVsRawPut: 0.7, engineVsSdkFiles: 2, childPeakMB: 200 };
  const peakMB = (results.childPeakAfterBigMiB! * MiB) / 1e6;
  const ok = (v: number, t: number) => (v >= t ? 'met' : 'NOT met');
  const sizeLabel = `${SIZE / MiB} MiB`;
  const rows: Array<[string, string, string]> = [
    [`raw PUT ${sizeLabel}, SSE-COS (limit)`, `${results.rawPutMBps!.toFixed(0)} MB/s`, 'one signed PUT streaming the file, no checksums'],
    [`raw PUT + CRC64 ${sizeLabel}, SSE-COS`, `${results.rawCrcPutMBps!.toFixed(0)} MB/s`, `the same PUT computing the CRC64 the engine must (${(results.rawCrcPutMBps! / results.rawPutMBps!).toFixed(2)}× raw)`],
    [`SDK uploadFile ${sizeLabel}, SSE-COS`, `${results.sdkFileMBps!.toFixed(0)} MB/s`, `${SDK_SLICE.ChunkSize / MiB} MiB parts, ${SDK_SLICE.ChunkParallelLimit} in flight`],
    [`engine ${sizeLabel}, SSE-COS`, `${results.engineFileMBps!.toFixed(0)} MB/s`, `default options (${DEFAULT_UPLOAD_OPTIONS.partSize / MiB} MiB parts, ${DEFAULT_UPLOAD_OPTIONS.partConcurrency} in flight), CRC64-verified`],
    ['  engine / SDK', `${ratios.engineVsSdkFile.toFixed(2)}×`, `target ≥ ${targets.engineVsSdkFile} (${ok(ratios.engineVsSdkFile, targets.engineVsSdkFile)})`],
    ['  engine / raw PUT', `${ratios.engineVsRawPut.toFixed(2)}×`, `target ≥ ${targets.engineVsRawPut} (${ok(ratios.engineVsRawPut, targets.engineVsRawPut)})`],
    [`SDK uploadFiles, ${FILES} × 4 KiB`, `${results.sdkUploadFilesPerSec!.toFixed(0)} files/s`, `FileParallelLimit ${SDK_FILE_CONCURRENCY}`],
    [`SDK putObject loop, ${FILES} × 4 KiB`, `${results.sdkPutLoopFilesPerSec!.toFixed(0)} files/s`, `${SDK_FILE_CONCURRENCY} in flight`],
    [`engine folder, ${FILES} × 4 KiB`, `${results.engineFilesPerSec!.toFixed(0)} files/s`, `default file concurrency (${DEFAULT_UPLOAD_OPTIONS.fileConcurrency})`],
    ['  engine / best SDK', `${ratios.engineVsSdkFiles.toFixed(2)}×`, `vs ${sdkFilesMethod}; target ≥ ${targets.engineVsSdkFiles} (${ok(ratios.engineVsSdkFiles, targets.engineVsSdkFiles)})`],
    ['engine child loaded, idle', `RSS ${results.childRssLoadedMiB!.toFixed(0)} MiB`, 'node + tsx loader + engine modules, before any upload'],
    [`engine child after ${sizeLabel}`, `RSS ${results.childRssAfterSizeMiB!.toFixed(0)} MiB, peak ${results.childPeakAfterSizeMiB!.toFixed(0)} MiB`, ''],
    [
      `engine child after ${BIG / MiB} MiB`,
      `RSS ${results.childRssAfterBigMiB!.toFixed(0)} MiB, peak ${results.childPeakAfterBigMiB!.toFixed(0)} MiB`,
      `peak ${peakMB.toFixed(0)} MB, target ≤ ${targets.childPeakMB} MB (${peakMB <= targets.childPeakMB ? 'met' : 'NOT met'}); ${results.childBigMBps!.toFixed(0)} MB/s`,
    ],
  ];
  if (!JSON_ONLY) {
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    console.log(`${'measure'.padEnd(w0)}  ${'result'.padEnd(w1)}  note`);
    for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`);
  }
  console.log(JSON.stringify({ sizeBytes: SIZE, bigBytes: BIG, files: FILES, fileBytes: FILE_SIZE, runs: RUNS, sdkFilesMethod, results, ratios, targets, everyRound }, null, 2));
}

await main();
