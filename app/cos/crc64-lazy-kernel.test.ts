// The WebAssembly kernel is built only once a process has hashed more than 1 MiB: a `coffer cp` of a small file
// never pays for building it. The module is imported afresh (test files share a worker's modules), so its kernel
// starts unbuilt.
import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

describe('CRC64 kernel built on demand', () => {
  it('hashes the first MiB in JS and builds the kernel for what comes after, with the same checksum', async () => {
    vi.resetModules();
    const { Crc64, crc64KernelBuilt } = await import('./crc64');
    const small = randomBytes(4096);
    const expectedSmall = new Crc64(false).update(small).digest();
    expect(new Crc64().update(small).digest()).toBe(expectedSmall);
    expect(crc64KernelBuilt()).toBe(false);

    // 300 × 4 KiB ≈ 1.2 MiB in 4 KiB reads, the way a stream hands a file over.
    const h = new Crc64();
    const js = new Crc64(false);
    for (let i = 0; i < 300; i++) {
      const chunk = randomBytes(4096);
      h.update(chunk);
      js.update(chunk);
    }
    expect(crc64KernelBuilt()).toBe(true);
    expect(h.digest()).toBe(js.digest());
  });
});
