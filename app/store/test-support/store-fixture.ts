// Test fixture: a real store on 127.0.0.1:<random port> over temp directories, and an official COS SDK client
// pointed at it (Ip + Protocol, so the SDK keeps the real virtual-host Host header).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import COS from 'cos-nodejs-sdk-v5';
import { DEFAULT_APPID, type StoreConfig } from '../config';
import { startStore, type RunningStore } from '../server';

export const TEST_CREDENTIALS = { secretId: 'AKIDcofferTestSecretId000000000000000', secretKey: 'cofferTestSecretKey0000000000000' };
export const APPID = DEFAULT_APPID;
export const REGION = 'ap-guangzhou';

export interface StoreFixture {
  running: RunningStore;
  url: string;
  port: number;
  root: string;
  dataDir: string;
  keyringPath: string;
  logs: string[];
  cos: COS;
  /** Full bucket name for a short name: `${name}-${APPID}`. */
  bucket(name: string): string;
  /** Promisified SDK call: `await f.call('putObject', {...})`. */
  call<T = Record<string, unknown>>(method: string, params: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

export async function startFixture(overrides: Partial<StoreConfig> = {}): Promise<StoreFixture> {
  const root = await mkdtemp(join(tmpdir(), 'coffer-store-test-'));
  const dataDir = join(root, 'data');
  const keyringPath = join(root, 'keys', 'keyring.json');
  const logs: string[] = [];
  const config: StoreConfig = {
    dataDir,
    keyringPath,
    kmsPath: join(root, 'keys', 'kms.json'),
    host: '127.0.0.1',
    port: 0,
    appid: APPID,
    region: REGION,
    credentials: [TEST_CREDENTIALS],
    sseRegions: ['ap-beijing', 'ap-shanghai', 'ap-guangzhou'],
    rotationDays: 90,
    clockSkewSeconds: 900,
    log: (l) => logs.push(l),
    ...overrides,
  };
  const running = await startStore(config);
  const cos = newSdkClient(running.port);
  const call = <T>(method: string, params: Record<string, unknown>) =>
    new Promise<T>((resolve, reject) => {
      const fn = (cos as unknown as Record<string, (p: unknown, cb: (e: unknown, d: T) => void) => void>)[method];
      if (!fn) throw new Error(`COS SDK has no method ${method}`);
      fn.call(cos, params, (err, data) => (err ? reject(err) : resolve(data)));
    });
  return {
    running,
    url: running.url,
    port: running.port,
    root,
    dataDir,
    keyringPath,
    logs,
    cos,
    bucket: (name) => `${name}-${APPID}`,
    call,
    async close() {
      await running.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export function newSdkClient(port: number, creds = TEST_CREDENTIALS, extra: Record<string, unknown> = {}): COS {
  return new COS({
    SecretId: creds.secretId,
    SecretKey: creds.secretKey,
    Ip: `127.0.0.1:${port}`,
    Protocol: 'http:',
    ...extra,
  } as ConstructorParameters<typeof COS>[0]);
}
