// Child process for crash tests: uploads one file through the engine and is expected to be SIGKILLed part-way.
// Input as JSON in argv[2]: { port, journalDir, bucket, key, path, keyHex? }. Prints "done" when it finishes.
import { testClient } from '../../../cos/client/test-support/client-fixture';
import { UploadEngine } from '../upload-engine';
import { MiB } from '../upload-plan';

const input = JSON.parse(process.argv[2] ?? '{}') as { port: number; journalDir: string; bucket: string; key: string; path: string; keyHex?: string };
const client = testClient(input.port);
const engine = new UploadEngine(client, input.journalDir, { singlePutThreshold: MiB, partSize: MiB, partConcurrency: 1 });
const encryption = input.keyHex ? { mode: 'SSE-C' as const, key: Buffer.from(input.keyHex, 'hex') } : undefined;
const t = engine.start({ bucket: input.bucket, key: input.key, path: input.path, encryption });
const result = await t.done;
process.stdout.write(`${result.state}\n`);
await client.close();
