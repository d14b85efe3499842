// `npm run bench:cli` (issue 12 §8): what a `coffer` command costs as a whole process, as users run it
// (`node bin/coffer.mjs`, i.e. the bundle in dist/cli), each figure beside a baseline timed in the same invocation,
// against the bundled store running in its own process on loopback. Every contender is a child process timed from
// spawn to exit; the contenders of a phase take turns within a round and each figure is the best of its rounds
// (the machine is shared and noisy: the best run is the least disturbed).
//
//   start        `coffer --help`  vs  `node -e 0`                                      target: ≤ 3×
//   4 KiB file   `coffer cp` (SSE-COS, verified)  vs  a Node process doing one signed SSE-COS PUT of the same
//                file with node:http (put-child.mjs: Node's start plus one PUT, the least any tool can do)
//                                                                                     target: ≤ 2×
//                (for reference, not a target: a Node process doing the same PUT with the SDK's putObject)
//   512 MiB file `coffer cp` (SSE-COS, default options)  vs  a Node process running the official SDK's uploadFile
//                (sdk-child.mjs: 8 MiB parts, 4 in flight, SSE-COS)                    target: SDK time ≥ 1.3× coffer's
//
// Options: --size-mib N (the big file, default 512), --runs N (rounds of the big-file phase, default 3),
// --start-runs N (rounds of the two quick phases, default 10), --json-only.
import { execFileSync, spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CosClient } from '../../cos/client';
import { buildAuthorization } from '../../cos/signer';
import { readBenchOptions, wholeNumberOption } from '../../platform/bench-options';
import { spawnStore, type StoreProcess } from '../../store/test-support/store-process';
import { APPID, REGION, TEST_CREDENTIALS } from '../../store/test-support/store-fixture';
import { COFFER_BIN } from '../test-support/bins';

const MiB = 1024 * 1024;
const { JSON_ONLY, SIZE, RUNS, START_RUNS } = readBenchOptions('bench:cli', () => {
  const { values } = parseArgs({
    options: {
      'size-mib': { type: 'string' },
      runs: { type: 'string' },
      'start-runs': { type: 'string' },
      'json-only': { type: 'boolean' },
    },
  });
  return {
    JSON_ONLY: values['json-only'] === true,
    SIZE: wholeNumberOption('size-mib', values['size-mib'], 512) * MiB,
    RUNS: wholeNumberOption('runs', values.runs, 3),
    START_RUNS: wholeNumberOption('start-runs', values['start-runs'], 10),
  };
});
const SMALL = 4096;
const BUCKET = `clibench-${APPID}`;
const HOST = `${BUCKET}.cos.${REGION}.myqcloud.com`;
const TARGETS = { helpVsNode: 3, smallCpVsPut: 2, sdkVsBigCp: 1.3 };

const log = (s: string) => {
  if (!JSON_ONLY) console.error(s);
};

/** Runs `args` under this Node binary and resolves with its wall time in ms; a non-zero exit fails the bench. */
function timedProcess(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    let err = '';
    const t = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const ms = performance.now() - t;
      if (code === 0) resolve(ms);
      else reject(new Error(`${args.join(' ')} exited ${code ?? signal}: ${err.trim()}`));
    });
  });
}

/** Flushes dirty pages so one run's write-back does not land in the next one's time. */
function flushDisk(): void {
  execFileSync('sync');
}

/** Every run's time by contender, for the JSON. */
const everyRound: Record<string, number[]> = {};

/** Best (lowest) time of `n` rounds per contender; contenders take turns within a round; `prepare` is untimed. */
async function bestOfRounds<K extends string>(n: number, contenders: Record<K, (round: number) => Promise<number>>, prepare?: () => Promise<void>): Promise<Record<K, number>> {
  const best = {} as Record<K, number>;
  for (let round = 0; round < n; round++) {
    for (const [name, run] of Object.entries(contenders) as Array<[K, (round: number) => Promise<number>]>) {
      await prepare?.();
      const ms = await run(round);
      (everyRound[name] ??= []).push(Math.round(ms));
      best[name] = Math.min(best[name] ?? Infinity, ms);
    }
  }
  log(`  rounds (ms): ${Object.keys(contenders).map((name) => `${name} ${everyRound[name]!.join(' / ')}`).join('; ')}`);
  return best;
}

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

/** sdk-child.mjs uploading `path` to `key` with the SDK's `method`, timed as a whole process. */
function sdkProcess(method: 'uploadFile' | 'putObject', port: number, key: string, path: string): Promise<number> {
  return timedProcess([join(import.meta.dirname, 'sdk-child.mjs'), method, String(port), BUCKET, REGION, key, path], {
    ...process.env,
    COFFER_BENCH_SECRET_ID: TEST_CREDENTIALS.secretId,
    COFFER_BENCH_SECRET_KEY: TEST_CREDENTIALS.secretKey,
  });
}

/** The signed headers of put-child.mjs's PUT (its signature stays valid for the whole bench). */
function putHeaders(key: string): Record<string, string> {
  const headers = { host: HOST, 'content-length': String(SMALL), 'x-cos-server-side-encryption': 'AES256' };
  const authorization = buildAuthorization({ ...TEST_CREDENTIALS, method: 'PUT', pathname: `/${key}`, headers, query: {}, expiresSeconds: 3600 });
  return { host: HOST, 'x-cos-server-side-encryption': 'AES256', authorization };
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-cli-bench-'));
  const smallPath = join(dir, 'small.bin');
  const bigPath = join(dir, 'big.bin');
  let store: StoreProcess | undefined;
  let client: CosClient | undefined;
  const results: Record<string, number> = {};
  const loadBefore = loadavg();
  try {
    // The bundled store, in its own process with its launch settings, as `coffer-store serve` runs.
    store = await spawnStore(join(dir, 'data'), join(dir, 'keys', 'keyring.json'));
    const port = store.port;
    const endpoint = `http://127.0.0.1:${port}`;
    client = new CosClient({ endpoint, appid: APPID, region: REGION, credentials: async () => ({ ...TEST_CREDENTIALS }) });
    await client.createBucket(BUCKET);
    // `coffer` against that store, configured the way a script configures it.
    const cofferEnv: NodeJS.ProcessEnv = {
      ...process.env,
      COFFER_HOME: join(dir, 'home'),
      COFFER_ENDPOINT: endpoint,
      COFFER_SECRET_ID: TEST_CREDENTIALS.secretId,
      COFFER_SECRET_KEY: TEST_CREDENTIALS.secretKey,
      COFFER_REGION: REGION,
    };
    await writeFile(smallPath, randomFillSync(Buffer.alloc(SMALL)));
    // Once each, untimed: the bundle is built if a source changed, and every file the runs read is in the page cache.
    await timedProcess([COFFER_BIN, '--help']);
    await timedProcess([COFFER_BIN, 'cp', smallPath, `cos://${BUCKET}/warm.bin`], cofferEnv);

    log(`start: coffer --help vs node -e 0, ${START_RUNS} rounds…`);
    const start = await bestOfRounds(START_RUNS, {
      nodeMs: () => timedProcess(['-e', '0']),
      helpMs: () => timedProcess([COFFER_BIN, '--help']),
    });
    Object.assign(results, start);

    log(`4 KiB file: coffer cp vs one PUT from a bare Node process, ${START_RUNS} rounds…`);
    const putUrl = `${endpoint}/put-child.bin`;
    const headers = JSON.stringify(putHeaders('put-child.bin'));
    const small = await bestOfRounds(START_RUNS, {
      putMs: () => timedProcess([join(import.meta.dirname, 'put-child.mjs'), putUrl, smallPath, headers]),
      smallCpMs: () => timedProcess([COFFER_BIN, 'cp', smallPath, `cos://${BUCKET}/coffer-small.bin`], cofferEnv),
      sdkPutMs: () => sdkProcess('putObject', port, 'sdk-small.bin', smallPath),
    });
    Object.assign(results, small);

    log(`writing a ${SIZE / MiB} MiB random file…`);
    await writeRandomFile(bigPath, SIZE);
    log(`${SIZE / MiB} MiB file, SSE-COS: coffer cp vs SDK uploadFile, ${RUNS} rounds…`);
    // Each run uploads into an empty bucket from a flushed disk (what an earlier run left costs the next one).
    const keys = ['coffer-big.bin', 'sdk-big.bin'];
    const big = await bestOfRounds(
      RUNS,
      {
        bigCpMs: () => timedProcess([COFFER_BIN, 'cp', bigPath, `cos://${BUCKET}/coffer-big.bin`], cofferEnv),
        sdkMs: () => sdkProcess('uploadFile', port, 'sdk-big.bin', bigPath),
      },
      async () => {
        await client!.deleteObjects(BUCKET, keys);
        flushDisk();
      },
    );
    Object.assign(results, big);
  } catch (err) {
    const storeLog = store?.stderr().trim();
    if (storeLog) console.error(`the store's log, last lines:\n${storeLog.split('\n').slice(-20).join('\n')}`);
    throw err;
  } finally {
    await client?.close();
    store?.child.kill('SIGTERM');
    await store?.exited;
    await rm(dir, { recursive: true, force: true });
  }
  const loadAfter = loadavg();

  const ratios = {
    helpVsNode: results.helpMs! / results.nodeMs!,
    smallCpVsPut: results.smallCpMs! / results.putMs!,
    sdkVsBigCp: results.sdkMs! / results.bigCpMs!,
  };
  const pass = {
    helpVsNode: ratios.helpVsNode <= TARGETS.helpVsNode,
    smallCpVsPut: ratios.smallCpVsPut <= TARGETS.smallCpVsPut,
    sdkVsBigCp: ratios.sdkVsBigCp >= TARGETS.sdkVsBigCp,
  };
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const mbps = (v: number) => `${(SIZE / 1e6 / (v / 1000)).toFixed(0)} MB/s`;
  const sizeLabel = `${SIZE / MiB} MiB`;
  const rows: Array<[string, string, string, string]> = [
    ['node -e 0', ms(results.nodeMs!), '', ''],
    ['coffer --help', ms(results.helpMs!), `${ratios.helpVsNode.toFixed(2)}× node -e 0, target ≤ ${TARGETS.helpVsNode}×`, verdict(pass.helpVsNode)],
    ['node + one PUT, 4 KiB, SSE-COS', ms(results.putMs!), 'node:http, signed, fresh connection, no checksum', ''],
    ['coffer cp 4 KiB, SSE-COS', ms(results.smallCpMs!), `${ratios.smallCpVsPut.toFixed(2)}× node + one PUT, target ≤ ${TARGETS.smallCpVsPut}×`, verdict(pass.smallCpVsPut)],
    ['SDK putObject 4 KiB, SSE-COS', ms(results.sdkPutMs!), `whole process, for reference: ${(results.sdkPutMs! / results.smallCpMs!).toFixed(2)}× coffer cp`, ''],
    [`SDK uploadFile ${sizeLabel}, SSE-COS`, `${ms(results.sdkMs!)} (${mbps(results.sdkMs!)})`, 'whole process; 8 MiB parts, 4 in flight', ''],
    [`coffer cp ${sizeLabel}, SSE-COS`, `${ms(results.bigCpMs!)} (${mbps(results.bigCpMs!)})`, `SDK takes ${ratios.sdkVsBigCp.toFixed(2)}× as long, target ≥ ${TARGETS.sdkVsBigCp}×`, verdict(pass.sdkVsBigCp)],
  ];
  if (!JSON_ONLY) {
    const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
    console.log(`load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(2)).join(' ')} after`);
    console.log(`${'measure'.padEnd(w[0]!)}  ${'best'.padEnd(w[1]!)}  ${'note'.padEnd(w[2]!)}  target`);
    for (const [a, b, c, d] of rows) console.log(`${a.padEnd(w[0]!)}  ${b.padEnd(w[1]!)}  ${c.padEnd(w[2]!)}  ${d}`);
  }
  console.log(JSON.stringify({ sizeBytes: SIZE, smallBytes: SMALL, runs: RUNS, startRuns: START_RUNS, loadBefore, loadAfter, results, ratios, targets: TARGETS, pass, everyRound }, null, 2));
}

await main();
