// `npm run bench:crc64`: the CRC64 kernels side by side in one process: the JS slicing-by-8 loop (the baseline,
// and the path for short inputs) against the WebAssembly kernel Crc64 uses from 128 B, on one large buffer and on
// 4 KiB buffers (the small-file case). Best of --runs rounds, the two taking turns within each round.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { readBenchOptions, wholeNumberOption } from '../../platform/bench-options';
import { Crc64, crc64UsesWasm } from '../crc64';

const { RUNS, SIZE_MIB } = readBenchOptions('bench:crc64', () => {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, 'size-mib': { type: 'string' } } });
  return { RUNS: wholeNumberOption('runs', values.runs, 5), SIZE_MIB: wholeNumberOption('size-mib', values['size-mib'], 64) };
});

if (!crc64UsesWasm()) console.error('bench:crc64: WebAssembly is not available here; both rows measure the JS loop');
const big = randomBytes(SIZE_MIB * 1024 * 1024);
const small = Array.from({ length: 64 }, () => randomBytes(4096));
const SMALL_COUNT = 20_000;

function mbps(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000);
}

function measure(useKernel: boolean): { big: number; small: number } {
  let t = performance.now();
  new Crc64(useKernel).update(big).digest();
  const bigRate = mbps(big.length, performance.now() - t);
  t = performance.now();
  for (let i = 0; i < SMALL_COUNT; i++) new Crc64(useKernel).update(small[i & 63]!).digest();
  return { big: bigRate, small: mbps(SMALL_COUNT * 4096, performance.now() - t) };
}

if (new Crc64(true).update(big).digest() !== new Crc64(false).update(big).digest()) throw new Error('the two paths disagree');
const best = { js: { big: 0, small: 0 }, wasm: { big: 0, small: 0 } };
for (let round = 0; round < RUNS; round++) {
  for (const [name, kernel] of [['js', false], ['wasm', true]] as const) {
    const r = measure(kernel);
    best[name].big = Math.max(best[name].big, r.big);
    best[name].small = Math.max(best[name].small, r.small);
  }
}
const row = (label: string, js: number, wasm: number) => `${label.padEnd(22)} ${js.toFixed(0).padStart(6)} MB/s  ${wasm.toFixed(0).padStart(6)} MB/s  ${(wasm / js).toFixed(2)}×`;
console.log(`${`best of ${RUNS} rounds`.padEnd(22)} ${'JS loop'.padStart(11)}  ${'WebAssembly'.padStart(11)}  ratio`);
console.log(row(`${SIZE_MIB} MiB buffer`, best.js.big, best.wasm.big));
console.log(row(`${SMALL_COUNT} × 4 KiB`, best.js.small, best.wasm.small));
