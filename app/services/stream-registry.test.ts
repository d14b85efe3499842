// A page's files as the engine reads them: small files are asked for a little ahead of the engine, a large one only
// when the engine reads it (and fed with backpressure), and a stream failed before anyone read it keeps its error
// for the first read instead of ending the process.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MAX_BATCH_FILES } from '../../shared/contract';
import { PREFETCH_BYTES, PREFETCH_FILES, StreamRegistry } from './stream-registry';

const KiB = 1024;
const MiB = 1024 * KiB;

function registryWith(sizes: number[]) {
  const registry = new StreamRegistry();
  const pulls: string[] = [];
  registry.on('pull', (p) => pulls.push(p.streamId));
  const entries = sizes.map((size, i) => registry.create({ id: `s-${i}`, jobId: 'job-1', key: `k-${i}`, size, owner: 'page' }));
  return { registry, pulls, entries };
}

describe('StreamRegistry', () => {
  it('asks for small files ahead of the engine, at most PREFETCH_BYTES of them, and a large one when it is read', async () => {
    const sizes = Array.from({ length: 100 }, (_, i) => (i === 3 ? 5 * MiB : i >= 50 ? 512 * KiB : 10));
    const { pulls, entries } = registryWith(sizes);
    expect(pulls).toEqual([]);
    entries[0]!.stream.read(0);
    // The one read, then the small files after it up to 8 MiB; the 5 MiB file is left to its own read.
    const ahead = pulls.slice(1);
    expect(pulls[0]).toBe('s-0');
    expect(ahead).not.toContain('s-3');
    expect(ahead.reduce((n, id) => n + sizes[Number(id.slice(2))]!, 0)).toBeLessThanOrEqual(PREFETCH_BYTES);
    expect(ahead.slice(0, 3)).toEqual(['s-1', 's-2', 's-4']);
    // Reading a file asked for ahead asks for nothing again, and moves the window on.
    const before = pulls.length;
    entries[1]!.stream.read(0);
    expect(pulls.slice(before)).not.toContain('s-1');
    entries[3]!.stream.read(0);
    expect(pulls).toContain('s-3');
  });

  it('asks for at most PREFETCH_FILES small files ahead, whole batch requests of them', () => {
    const { pulls, entries } = registryWith(Array.from({ length: PREFETCH_FILES + 50 }, () => 10));
    entries[0]!.stream.read(0);
    expect(pulls).toHaveLength(1 + PREFETCH_FILES);
    expect(PREFETCH_FILES % MAX_BATCH_FILES).toBe(0);
  });

  it('holds no more than the window when the page sends at once what was asked for: arriving bytes are not a read', async () => {
    const { registry, pulls, entries } = registryWith(Array.from({ length: 2 * PREFETCH_FILES }, () => 10));
    // A page that answers every pull at once (as a batch does), while the engine has read only the first file.
    const fed = new Set<string>();
    const feedPulled = async () => {
      for (const id of pulls.filter((p) => !fed.has(p))) {
        fed.add(id);
        const entry = registry.attach(id)!;
        await entry.stream.feed(Readable.from([Buffer.alloc(10, 1)]), 10);
      }
    };
    entries[0]!.stream.read(0);
    for (let round = 0; round < 5; round++) {
      await feedPulled();
      await new Promise((r) => setImmediate(r));
    }
    expect(pulls).toHaveLength(1 + PREFETCH_FILES);
    // Read now, a file asked for ahead gives its bytes, and the window moves on by one.
    const second = entries[1]!.stream;
    const chunks: Buffer[] = [];
    for await (const c of second) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks)).toEqual(Buffer.alloc(10, 1));
    expect(pulls).toHaveLength(2 + PREFETCH_FILES);
  });

  it('feeds a file the engine reads with backpressure: at most the pipe holds it', async () => {
    const { entries } = registryWith([2 * MiB]);
    const big = entries[0]!.stream;
    big.read(0);
    const fed = big.feed(Readable.from([Buffer.alloc(MiB, 2), Buffer.alloc(MiB, 3)]), 2 * MiB);
    await new Promise((r) => setTimeout(r, 20));
    expect(big.readableLength).toBe(MiB);
    let got = 0;
    for await (const chunk of big) got += (chunk as Buffer).length;
    expect(got).toBe(2 * MiB);
    expect(await fed).toBe(2 * MiB);
  });

  it('hands a stream failed before it was read its error on the first read, without an unheard error event', async () => {
    const { registry, entries } = registryWith([10]);
    registry.failOwner('page', { kind: 'cancelled', code: 'PageClosed', message: 'The page that was sending this file was closed.', details: {} });
    await new Promise((r) => setImmediate(r));
    const read = async () => {
      for await (const _ of entries[0]!.stream) void _;
    };
    await expect(read()).rejects.toThrow('The page that was sending this file was closed.');
  });
});
