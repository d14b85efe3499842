// A CosClient pointed at a test store (directly or through a fault proxy), with the fixture's credentials.
import { APPID, REGION, TEST_CREDENTIALS } from '../../../store/test-support/store-fixture';
import { CosClient, type CosClientOptions } from '../cos-client';

export function testClient(port: number, extra: Partial<CosClientOptions> = {}): CosClient {
  return new CosClient({
    endpoint: `http://127.0.0.1:${port}`,
    appid: APPID,
    region: REGION,
    credentials: async () => ({ ...TEST_CREDENTIALS }),
    retry: { baseDelayMs: 5 },
    ...extra,
  });
}

export async function readAllBody(body: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
