// Crash and resume: a child process uploading a multi-part file is SIGKILLed part-way; the next start continues
// from its journal (List Parts reconciliation: fewer parts are sent the second time) and the object is
// byte-identical. A file modified between the runs starts over, with a notice, and the stale upload is aborted.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StoreFixture } from '../../store/test-support/store-fixture';
import type { CosClient } from '../../cos/client';
import { testClient } from '../../cos/client/test-support/client-fixture';
import type { NoticeEvent } from '../transfer-events';
import { UploadEngine } from './upload-engine';
import { MiB } from './upload-plan';
import { startEngineBed, stopEngineBed } from './test-support/engine-bed';
import { isUploadPart, type TamperProxy } from './test-support/tamper-proxy';

const CHILD = join(import.meta.dirname, 'test-support', 'upload-child.ts');
const PARTS = 10;

let f: StoreFixture;
let direct: CosClient;
let proxy: TamperProxy;
let dir: string;
const B = 'resume';

beforeAll(async () => {
  ({ f, direct, proxy, dir } = await startEngineBed(B, 'engine-resume-'));
});

afterAll(() => stopEngineBed({ f, direct, proxy, dir }));

beforeEach(() => proxy.reset());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function journalParts(journalDir: string): Promise<number> {
  const names = await readdir(journalDir).catch(() => [] as string[]);
  const name = names.find((n) => n.endsWith('.json'));
  if (!name) return 0;
  try {
    return Object.keys(JSON.parse(await readFile(join(journalDir, name), 'utf8')).parts).length;
  } catch {
    return 0;
  }
}

/** Runs the child until its journal records `parts` parts, then SIGKILLs it. */
async function uploadAndKill(input: Record<string, unknown>, journalDir: string, parts: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(input)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const deadline = Date.now() + 40_000;
  while ((await journalParts(journalDir)) < parts) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`child did not reach ${parts} parts: ${out}`);
    }
    await sleep(20);
  }
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  expect(out).not.toContain('completed');
}

describe('crash and resume', () => {
  it('SIGKILL mid-upload (SSE-C): the restart sends only the missing parts and the object is byte-identical', async () => {
    const journalDir = join(dir, 'j-crash');
    const path = join(dir, 'crash.bin');
    const data = randomBytes(PARTS * MiB - 4321);
    await writeFile(path, data);
    const key = randomBytes(32);
    proxy.add({ match: isUploadPart, delayMs: 120 });
    await uploadAndKill({ port: proxy.port, journalDir, bucket: B, key: 'crash.bin', path, keyHex: key.toString('hex') }, journalDir, 4);
    const firstRun = proxy.count('PUT', (u) => /partNumber/.test(u));
    expect(firstRun).toBeLessThan(PARTS);
    const journalText = await readFile(join(journalDir, (await readdir(journalDir))[0]), 'utf8');
    expect(journalText).not.toContain(key.toString('base64'));
    expect(journalText).not.toContain(key.toString('hex'));

    proxy.reset();
    const client = testClient(proxy.port);
    const engine = new UploadEngine(client, journalDir, { singlePutThreshold: MiB, partSize: MiB });
    expect(await engine.interrupted()).toMatchObject([{ bucket: B, key: 'crash.bin', path, encryptionMode: 'SSE-C' }]);
    const t = engine.start({ bucket: B, key: 'crash.bin', path, encryption: { mode: 'SSE-C', key } });
    const notices: NoticeEvent[] = [];
    t.events.on('notice', (n) => notices.push(n));
    const result = await t.done;
    expect(result.failed).toEqual([]);
    const secondRun = proxy.count('PUT', (u) => /partNumber/.test(u));
    expect(secondRun).toBeLessThanOrEqual(PARTS - 4);
    expect(proxy.count('GET', (u) => /uploadId=/.test(u))).toBeGreaterThanOrEqual(1); // List Parts
    expect(proxy.count('POST', (u) => /[?&]uploads/.test(u))).toBe(0); // no new Initiate
    // One notice says it resumed, and how much was already there (what the first run did, not what it sent).
    expect(notices).toHaveLength(1);
    const kept = PARTS - secondRun;
    expect(notices[0]!.message).toBe(`${path}: resuming the interrupted upload (${kept} of ${PARTS} parts were already uploaded)`);
    expect((await direct.getObjectBuffer(B, 'crash.bin', { sseCustomerKey: key })).equals(data)).toBe(true);
    expect((await direct.listMultipartUploads(B)).uploads).toEqual([]);
    expect(await readdir(journalDir)).toEqual([]);
    await client.close();
  });

  it('a file modified between runs starts over with a notice; the stale upload is aborted', async () => {
    const journalDir = join(dir, 'j-changed');
    const path = join(dir, 'changed.bin');
    await writeFile(path, randomBytes(PARTS * MiB));
    proxy.add({ match: isUploadPart, delayMs: 120 });
    await uploadAndKill({ port: proxy.port, journalDir, bucket: B, key: 'changed.bin', path }, journalDir, 3);
    const stale = (await direct.listMultipartUploads(B, { prefix: 'changed.bin' })).uploads;
    expect(stale).toHaveLength(1);

    const data = randomBytes(PARTS * MiB - 17);
    await writeFile(path, data);
    proxy.reset();
    const client = testClient(proxy.port);
    const engine = new UploadEngine(client, journalDir, { singlePutThreshold: MiB, partSize: MiB });
    const t = engine.start({ bucket: B, key: 'changed.bin', path });
    const notices: NoticeEvent[] = [];
    t.events.on('notice', (n) => notices.push(n));
    expect((await t.done).failed).toEqual([]);
    expect(notices.map((n) => n.message)).toEqual([`${path} changed since the interrupted upload; starting over`]);
    expect(proxy.count('PUT', (u) => /partNumber/.test(u))).toBe(PARTS);
    expect(proxy.count('DELETE', (u) => u.includes(`uploadId=${encodeURIComponent(stale[0].uploadId)}`) || u.includes(stale[0].uploadId))).toBe(1);
    expect((await direct.getObjectBuffer(B, 'changed.bin')).equals(data)).toBe(true);
    expect((await direct.listMultipartUploads(B)).uploads).toEqual([]);
    await client.close();
  });
});
