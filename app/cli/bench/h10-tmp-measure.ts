// TEMPORARY (h10): deleted before the report.
import { spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CosClient } from '../../cos/client';
import { buildAuthorization } from '../../cos/signer';
import { spawnStore } from '../../store/test-support/store-process';
import { APPID, REGION, TEST_CREDENTIALS } from '../../store/test-support/store-fixture';
import { COFFER_BIN } from '../test-support/bins';

const N = Number(process.argv[2] ?? 8);
const BUCKET = `clibench-${APPID}`;
const HOST = `${BUCKET}.cos.${REGION}.myqcloud.com`;
function timed(args: string[], env = process.env): Promise<[number, number]> {
  return new Promise((res, rej) => {
    const t = performance.now();
    const c = spawn('/usr/bin/time', ['-f', '%U %S', process.execPath, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.on('data', (d) => (err += d));
    c.on('exit', (code) => {
      const wall = performance.now() - t;
      if (code !== 0) return rej(new Error(err));
      const [u, s] = err.trim().split('\n').pop()!.split(' ').map(Number);
      res([wall, (u! + s!) * 1000]);
    });
  });
}
const dir = await mkdtemp(join(tmpdir(), 'h10-'));
const store = await spawnStore(join(dir, 'data'), join(dir, 'keys', 'keyring.json'));
const endpoint = `http://127.0.0.1:${store.port}`;
const client = new CosClient({ endpoint, appid: APPID, region: REGION, credentials: async () => ({ ...TEST_CREDENTIALS }) });
await client.createBucket(BUCKET);
const env = { ...process.env, COFFER_HOME: join(dir, 'home'), COFFER_ENDPOINT: endpoint, COFFER_SECRET_ID: TEST_CREDENTIALS.secretId, COFFER_SECRET_KEY: TEST_CREDENTIALS.secretKey, COFFER_REGION: REGION };
const small = join(dir, 'small.bin');
await writeFile(small, randomFillSync(Buffer.alloc(4096)));
if (process.argv[3] === 'serve') {
  console.log(Object.entries(env).filter(([k]) => k.startsWith('COFFER_')).map(([k, v]) => `export ${k}=${v}`).join('\n'));
  console.log(`export SMALL=${small} BUCKET=${BUCKET}`);
  await new Promise(() => {});
}
const headers0 = { host: HOST, 'content-length': '4096', 'x-cos-server-side-encryption': 'AES256' };
const authorization = buildAuthorization({ ...TEST_CREDENTIALS, method: 'PUT', pathname: '/p.bin', headers: headers0, query: {}, expiresSeconds: 3600 });
const headers = JSON.stringify({ host: HOST, 'x-cos-server-side-encryption': 'AES256', authorization });
await timed([COFFER_BIN, 'cp', small, `cos://${BUCKET}/w.bin`], env);
const r: Record<string, number[][]> = { put: [], cp: [] };
for (let i = 0; i < N; i++) {
  r.put!.push(await timed([join(import.meta.dirname, 'put-child.mjs'), `${endpoint}/p.bin`, small, headers]));
  r.cp!.push(await timed([COFFER_BIN, 'cp', small, `cos://${BUCKET}/c.bin`], env));
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
for (const k of ['put', 'cp']) {
  const w = r[k]!.map((x) => x[0]!), c = r[k]!.map((x) => x[1]!);
  console.log(`${k}: wall min ${Math.min(...w).toFixed(0)} med ${med(w).toFixed(0)}; cpu min ${Math.min(...c).toFixed(0)} med ${med(c).toFixed(0)}`);
}
const wr = Math.min(...r.cp!.map((x) => x[0]!)) / Math.min(...r.put!.map((x) => x[0]!));
const cr = med(r.cp!.map((x) => x[1]!)) / med(r.put!.map((x) => x[1]!));
console.log(`ratio wall(min) ${wr.toFixed(2)}  cpu(med) ${cr.toFixed(2)}`);
await client.close();
store.child.kill('SIGTERM');
process.exit(0);
