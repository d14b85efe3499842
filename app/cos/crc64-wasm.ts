// CRC-64/XZ in WebAssembly, built in memory at load time (a few hundred bytes of code, no binary blob, no build
// step): the bulk path of `Crc64.update`.
//
// Why: the upload engine must check every byte against `x-cos-hash-crc64ecma`, and on a CPU-bound machine the
// JS slicing-by-8 loop (~1.1 GB/s) was most of the engine's own CPU per MB. Two things make this faster:
// - 64-bit registers: one table load per input byte instead of JS's two 32-bit halves, and no typed-array bounds
//   checks (the tables and data live in the module's own memory);
// - braiding (zlib ≥ 1.2.12's crc32 "braid", here N = 4 lanes of 8-byte words): slicing-by-8 is a chain where
//   each word's lookups wait for the previous word's result. Four lanes take every fourth word, each advancing
//   its register past the other lanes' words with tables for "byte j, then 24 + 7 − j zero bytes", so four
//   independent chains run in parallel; the last block folds the lanes back into one register in order.
// CRC is linear over GF(2), so the lanes' contributions simply XOR together.
//
// Memory layout (2 pages, never grown, so JS views on it stay valid):
//   [0, 8)                     the CRC register (before the final XOR), little-endian, in and out
//   [TABLES, +16 KiB)          T0..T7: T_k[b] = register after byte b and k zero bytes (slicing-by-8)
//   [BRAID, +16 KiB)           T24..T31, the same for 24..31 zero bytes (lanes skip the other three words)
//   [DATA, +CHUNK)             input, copied in by the caller

export const CRC64_WASM_CHUNK = 64 * 1024;
const TABLES = 1024;
/** Lanes: 3 to 8 measured the same here (~2.2 GB/s, against ~1.1 for one lane); 4 as in zlib's braid for 64-bit words. */
const N = 4;
const BLOCK = 8 * N;
const BRAID = TABLES + 8 * 2048;
const DATA = BRAID + 8 * 2048;
const PAGES = Math.ceil((DATA + CRC64_WASM_CHUNK) / 65536);

/** Reflected ECMA-182 polynomial. */
const POLY = 0xc96c5795d7870f42n;

// ---- a minimal WebAssembly emitter ----------------------------------------------------------------------

const I32 = 0x7f;
const I64 = 0x7e;
const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  i64Load: 0x29,
  i64Load8u: 0x31,
  i64Store: 0x37,
  i32Const: 0x41,
  i64Const: 0x42,
  i32GeU: 0x4f,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32DivU: 0x6e,
  i32And: 0x71,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  i64Xor: 0x85,
  i64ShrU: 0x88,
  i32WrapI64: 0xa7,
} as const;
const VOID = 0x40;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'latin1')];

// ---- the function: run(len) -------------------------------------------------------------------------------

// Locals: 0 = len (param); i32: 1 p, 2 end, 3 xl, 4 xh; i64: 5 r, 6 .. 5 + N the lanes, 6 + N x.
const LEN = 0;
const P = 1;
const END = 2;
const XL = 3;
const XH = 4;
const R = 5;
const LANE = Array.from({ length: N }, (_, i) => 6 + i);
const X = 6 + N;

const get = (l: number) => [op.localGet, l];
const set = (l: number) => [op.localSet, l];
const i32 = (n: number) => [op.i32Const, ...sleb(n)];
const load64 = (offset: number) => [op.i64Load, 3, ...uleb(offset)];

/**
 * Leaves on the stack the XOR of eight table lookups for the 64-bit value in local X, byte j (from the low end)
 * going to table `base + (7 − j)`: the slicing-by-8 step, or the braid step with the braid tables.
 */
function fold(base: number): number[] {
  const code = [...get(X), op.i32WrapI64, ...set(XL), ...get(X), op.i64Const, 32, op.i64ShrU, op.i32WrapI64, ...set(XH)];
  for (let j = 0; j < 8; j++) {
    const half = j < 4 ? XL : XH;
    const shift = (j & 3) * 8 - 3; // (byte << 3) = (half >>> 8·(j mod 4)) << 3, masked to 0x7f8
    code.push(...get(half));
    if (shift < 0) code.push(...i32(-shift), op.i32Shl);
    else code.push(...i32(shift), op.i32ShrU);
    code.push(...i32(0x7f8), op.i32And, ...load64(base + (7 - j) * 2048));
    if (j > 0) code.push(op.i64Xor);
  }
  return code;
}

/** while (p < end) { body; p += step } */
function whileBelow(step: number, body: number[]): number[] {
  return [
    op.block, VOID, op.loop, VOID,
    ...get(P), ...get(END), op.i32GeU, op.brIf, 1,
    ...body,
    ...get(P), ...i32(step), op.i32Add, ...set(P),
    op.br, 0, op.end, op.end,
  ];
}

function runBody(): number[] {
  const word = (offset: number) => [...get(P), ...load64(offset)];
  // The braid: every block but the last, each lane XORs in its word and advances one block (8·N bytes).
  const lanes = LANE.flatMap((c, k) => [...word(k * 8), ...get(c), op.i64Xor, ...set(X), ...fold(BRAID), ...set(c)]);
  // The last block: fold the lanes into R in order, each word advancing R by 8 bytes (slicing-by-8).
  const lastBlock = LANE.flatMap((c, k) => [
    ...word(k * 8), ...get(c), op.i64Xor, ...(k > 0 ? [...get(R), op.i64Xor] : []), ...set(X), ...fold(TABLES), ...set(R),
  ]);
  return [
    ...i32(0), ...load64(0), ...set(R),
    ...i32(DATA), ...set(P),
    // if (len >= 2 blocks): at least one braided block plus the last one
    ...get(LEN), ...i32(2 * BLOCK), op.i32GeU, op.if, VOID,
    ...get(R), ...set(LANE[0]!),
    ...i32(DATA - BLOCK), ...get(LEN), ...i32(BLOCK), op.i32DivU, ...i32(BLOCK), op.i32Mul, op.i32Add, ...set(END),
    ...whileBelow(BLOCK, lanes),
    ...lastBlock,
    ...get(P), ...i32(BLOCK), op.i32Add, ...set(P),
    op.end,
    // whole words left
    ...i32(DATA), ...get(LEN), ...i32(~7), op.i32And, op.i32Add, ...set(END),
    ...whileBelow(8, [...word(0), ...get(R), op.i64Xor, ...set(X), ...fold(TABLES), ...set(R)]),
    // single bytes left: r = (r >> 8) ^ T0[(r ^ b) & 0xff]
    ...i32(DATA), ...get(LEN), op.i32Add, ...set(END),
    ...whileBelow(1, [
      ...get(P), op.i64Load8u, 0, 0, ...get(R), op.i64Xor, op.i32WrapI64, ...i32(0xff), op.i32And, ...i32(3), op.i32Shl,
      ...load64(TABLES), ...get(R), op.i64Const, 8, op.i64ShrU, op.i64Xor, ...set(R),
    ]),
    ...i32(0), ...get(R), op.i64Store, 3, 0,
    op.end,
  ];
}

function moduleBytes(): Uint8Array {
  const body = runBody();
  const locals = vec([
    [4, I32],
    [N + 2, I64],
  ]);
  const code = [...locals, ...body];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32]]), ...vec([])]])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, ...uleb(PAGES)]])),
    ...section(7, vec([[...name('run'), 0x00, 0], [...name('mem'), 0x02, 0]])),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
}

// ---- tables and instance -----------------------------------------------------------------------------------

function fillTables(mem: ArrayBuffer): void {
  const t = new BigUint64Array(8 * N * 256);
  for (let b = 0; b < 256; b++) {
    let c = BigInt(b);
    for (let i = 0; i < 8; i++) c = c & 1n ? (c >> 1n) ^ POLY : c >> 1n;
    t[b] = c;
  }
  for (let k = 1; k < 8 * N; k++) {
    for (let b = 0; b < 256; b++) {
      const prev = t[((k - 1) << 8) | b]!;
      t[(k << 8) | b] = (prev >> 8n) ^ t[Number(prev & 0xffn)]!;
    }
  }
  new BigUint64Array(mem, TABLES, 8 * 256).set(t.subarray(0, 8 * 256));
  new BigUint64Array(mem, BRAID, 8 * 256).set(t.subarray((N - 1) * 8 * 256, N * 8 * 256));
}

export interface Crc64Wasm {
  /** Feeds `data` (at most CRC64_WASM_CHUNK bytes) to the register given as 32-bit halves; writes [lo, hi] to out. */
  update(lo: number, hi: number, data: Uint8Array, out: Int32Array): void;
}

// The part of the WebAssembly API used here (this project's TypeScript libs have no DOM, and @types/node does not
// declare the namespace's values).
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}
interface WasmMemory {
  buffer: ArrayBuffer;
}

/** The compiled kernel, or null where WebAssembly cannot run (the JS loop is then used). */
export function loadCrc64Wasm(): Crc64Wasm | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm) return null;
  let exports: Record<string, unknown>;
  try {
    exports = new wasm.Instance(new wasm.Module(moduleBytes())).exports;
  } catch {
    return null;
  }
  const run = exports.run as (len: number) => void;
  const { buffer } = exports.mem as WasmMemory;
  fillTables(buffer);
  const bytes = new Uint8Array(buffer);
  const reg = new Int32Array(buffer, 0, 2);
  return {
    update(lo, hi, data, out) {
      bytes.set(data, DATA);
      reg[0] = lo;
      reg[1] = hi;
      run(data.length);
      out[0] = reg[0]!;
      out[1] = reg[1]!;
    },
  };
}
