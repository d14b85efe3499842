// A COS client on the embedded store the fixture's Coffer started (its address from COFFER_HOME/store.json, its
// keys from the store's credentials file), for preparing what a test needs faster than through the page: many
// objects by parallel small PUTs, and checking what is on the server afterwards.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CosClient } from '../app/cos/client';
import { expect, type CofferHost } from './fixtures';

export async function storeClient(coffer: CofferHost): Promise<CosClient> {
  await coffer.ready();
  const { url } = JSON.parse(await readFile(join(coffer.home, 'store.json'), 'utf8')) as { url: string };
  const credentials = await coffer.storeSecrets();
  return new CosClient({ endpoint: url, appid: '1250000000', region: 'ap-guangzhou', credentials: async () => credentials });
}

/** A bucket of `count` one-byte objects named by `keyOf`, `parallel` PUTs at a time; the time it took, in ms. */
export async function fillBucket(client: CosClient, bucket: string, count: number, keyOf: (i: number) => string, parallel = 32): Promise<number> {
  const started = performance.now();
  let next = 0;
  const body = Buffer.from('x');
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const i = next++;
        await client.putObject(bucket, keyOf(i), body);
      }
    }),
  );
  const ms = performance.now() - started;
  const listed = await client.listObjects(bucket, { maxKeys: 1, marker: keyOf(count - 2) });
  expect(listed.contents.map((o) => o.key)).toEqual([keyOf(count - 1)]);
  return ms;
}
