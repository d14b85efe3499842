// The setup the engine's transfer tests share: a store fixture with one bucket, a client straight to it, a
// tamper proxy in front of it and a scratch folder; and the teardown that releases what was set up.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CosClient } from '../../../cos/client';
import { testClient } from '../../../cos/client/test-support/client-fixture';
import { startFixture, type StoreFixture } from '../../../store/test-support/store-fixture';
import { TamperProxy } from './tamper-proxy';

export interface EngineBed {
  f: StoreFixture;
  direct: CosClient;
  proxy: TamperProxy;
  dir: string;
}

export async function startEngineBed(bucket: string, tmpPrefix: string): Promise<EngineBed> {
  const f = await startFixture();
  const direct = testClient(f.port);
  await direct.createBucket(bucket);
  const proxy = await TamperProxy.start(f.port);
  const dir = await mkdtemp(join(tmpdir(), tmpPrefix));
  return { f, direct, proxy, dir };
}

/** Tolerates a partial bed (a failed start leaves the rest undefined). */
export async function stopEngineBed(bed: Partial<EngineBed>): Promise<void> {
  await bed.direct?.close();
  await bed.proxy?.close();
  await bed.f?.close();
  if (bed.dir) await rm(bed.dir, { recursive: true, force: true });
}
