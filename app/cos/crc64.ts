// CRC-64/XZ, the checksum COS reports in `x-cos-hash-crc64ecma` (cos-protocol.md §11): ECMA-182 polynomial,
// reflected, init and final XOR all ones. Owns the streaming hasher and the combine step that gives a
// multipart object's CRC from its parts' CRCs without re-reading data.
//
// The 64-bit register is kept as two 32-bit halves (hi, lo) because BigInt arithmetic per byte would cost far
// more than the table lookups themselves; BigInt appears only where a value crosses the API. Inputs of
// WASM_MIN bytes and more go through the WebAssembly kernel (crc64-wasm.ts, ~2× the JS loop) once the process has
// hashed KERNEL_AFTER bytes; the JS loop below serves short inputs, the first bytes, and hosts without WebAssembly.

import { CRC64_WASM_CHUNK, loadCrc64Wasm, type Crc64Wasm } from './crc64-wasm';

/** Reflected ECMA-182 polynomial 0xC96C5795D7870F42 as halves. */
const POLY_HI = 0xc96c5795;
const POLY_LO = 0xd7870f42;

/**
 * Slicing-by-8 tables: entry (k << 8 | b) is the CRC register after feeding byte b followed by k zero bytes,
 * so eight input bytes are folded with eight independent lookups instead of eight dependent steps. Int32Array
 * because only the bit pattern matters and int32 keeps V8 on its small-integer fast path.
 */
const TABLE_LO = new Int32Array(8 * 256);
const TABLE_HI = new Int32Array(8 * 256);

for (let b = 0; b < 256; b++) {
  let lo = b;
  let hi = 0;
  for (let bit = 0; bit < 8; bit++) {
    const carry = lo & 1;
    lo = (lo >>> 1) | (hi << 31);
    hi >>>= 1;
    if (carry) {
      lo ^= POLY_LO;
      hi ^= POLY_HI;
    }
  }
  TABLE_LO[b] = lo;
  TABLE_HI[b] = hi;
}
for (let k = 1; k < 8; k++) {
  for (let b = 0; b < 256; b++) {
    const prevLo = TABLE_LO[((k - 1) << 8) | b];
    const prevHi = TABLE_HI[((k - 1) << 8) | b];
    const idx = prevLo & 0xff;
    TABLE_LO[(k << 8) | b] = ((prevLo >>> 8) | (prevHi << 24)) ^ TABLE_LO[idx];
    TABLE_HI[(k << 8) | b] = (prevHi >>> 8) ^ TABLE_HI[idx];
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The kernel is built on demand: building it costs ~40 ms at start on a loaded machine (measured on this 2-core
 * host: 38–67 ms; the JS loop hashes 1 MiB in 17–44 ms there), a whole `coffer cp` of a small file. So the
 * process hashes its first KERNEL_AFTER bytes in JS and builds the kernel when more come (or when one input is
 * that large).
 */
const KERNEL_AFTER = 1024 * 1024;
let kernel: Crc64Wasm | null | undefined = LITTLE_ENDIAN ? undefined : null;
let hashedInJs = 0;
function kernelFor(length: number): Crc64Wasm | null {
  if (kernel !== undefined) return kernel;
  hashedInJs += length;
  if (hashedInJs <= KERNEL_AFTER) return null;
  kernel = loadCrc64Wasm();
  return kernel;
}
/** Below ~100 bytes copying into the kernel's memory and calling it cost more than they save (measured: even at
 * 64 B, 1.4× at 256 B, 2× at 4 KiB). */
const WASM_MIN = 128;
const kernelOut = new Int32Array(2);

/** Incremental CRC-64/XZ. `digest()` does not reset, so a running value can be read mid-stream. */
export class Crc64 {
  // The register before the final XOR, starting from the all-ones init value.
  private lo = 0xffffffff;
  private hi = 0xffffffff;

  /** `useKernel: false` keeps to the JS loop (the tests compare both paths). */
  constructor(private readonly useKernel = kernel !== null) {}

  update(data: Uint8Array): this {
    const k = this.useKernel && data.length >= WASM_MIN ? kernelFor(data.length) : null;
    if (k) {
      let lo = this.lo;
      let hi = this.hi;
      for (let at = 0; at < data.length; at += CRC64_WASM_CHUNK) {
        k.update(lo, hi, data.subarray(at, at + CRC64_WASM_CHUNK), kernelOut);
        lo = kernelOut[0]!;
        hi = kernelOut[1]!;
      }
      this.lo = lo >>> 0;
      this.hi = hi >>> 0;
      return this;
    }
    return this.updateJs(data);
  }

  private updateJs(data: Uint8Array): this {
    let lo = this.lo;
    let hi = this.hi;
    const tl = TABLE_LO;
    const th = TABLE_HI;
    const n = data.length;
    let i = 0;
    if (LITTLE_ENDIAN && n >= 64) {
      // Byte-wise up to a 4-byte boundary, then read 8 bytes as two native int32 loads: ~1.8× faster than
      // assembling words from bytes, and correct only on little-endian hosts (hence the guard).
      const lead = (4 - (data.byteOffset & 3)) & 3;
      for (; i < lead; i++) {
        const idx = (lo ^ data[i]) & 0xff;
        lo = ((lo >>> 8) | (hi << 24)) ^ tl[idx];
        hi = (hi >>> 8) ^ th[idx];
      }
      const words = new Int32Array(data.buffer, data.byteOffset + i, ((n - i) >>> 3) * 2);
      for (let w = 0; w < words.length; w += 2) {
        const a = lo ^ words[w];
        const b = hi ^ words[w + 1];
        const i7 = 0x700 | (a & 0xff);
        const i6 = 0x600 | ((a >>> 8) & 0xff);
        const i5 = 0x500 | ((a >>> 16) & 0xff);
        const i4 = 0x400 | (a >>> 24);
        const i3 = 0x300 | (b & 0xff);
        const i2 = 0x200 | ((b >>> 8) & 0xff);
        const i1 = 0x100 | ((b >>> 16) & 0xff);
        const i0 = b >>> 24;
        lo = tl[i7] ^ tl[i6] ^ tl[i5] ^ tl[i4] ^ tl[i3] ^ tl[i2] ^ tl[i1] ^ tl[i0];
        hi = th[i7] ^ th[i6] ^ th[i5] ^ th[i4] ^ th[i3] ^ th[i2] ^ th[i1] ^ th[i0];
      }
      i += words.length * 4;
    }
    for (; i < n; i++) {
      const idx = (lo ^ data[i]) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ tl[idx];
      hi = (hi >>> 8) ^ th[idx];
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    return this;
  }

  digest(): bigint {
    return toBigInt(~this.hi >>> 0, ~this.lo >>> 0);
  }

  /** The `x-cos-hash-crc64ecma` header form: unsigned decimal. */
  toDecimal(): string {
    return this.digest().toString(10);
  }
}

export function crc64(data: Uint8Array): bigint {
  return new Crc64().update(data).digest();
}

/**
 * Builds the WebAssembly kernel now instead of after KERNEL_AFTER bytes (the tests and the bench, which compare
 * both paths); whether inputs of WASM_MIN bytes and more use it from here on.
 */
export function crc64UsesWasm(): boolean {
  if (kernel === undefined) kernel = loadCrc64Wasm();
  return kernel !== null;
}

/** Whether this process has built the kernel yet (it does once it has hashed more than KERNEL_AFTER bytes). */
export function crc64KernelBuilt(): boolean {
  return kernel !== undefined && kernel !== null;
}

// ---- combine -------------------------------------------------------------------------------------------
// zlib's crc32_combine carried to 64 bits. In the reflected representation a register is a polynomial over
// GF(2) with x^0 in the top bit. Appending len2 bytes multiplies the first CRC by x^(8·len2) mod P and the
// init/xorout terms cancel, so CRC(A‖B) = crc(A)·x^(8·len2) mod P ⊕ crc(B). This is the same GF(2) operator
// older zlib builds by squaring 64×64 matrices; like zlib ≥ 1.2.12 we tabulate x^(2^k) instead, so a call is
// one polynomial multiplication per set bit of len2 (~6 µs) rather than dozens of matrix squarings, which
// matters when a 10,000-part upload is completed. The tests check it against the matrix method.

const MASK64 = (1n << 64n) - 1n;

function toBigInt(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

function checkCrc(name: string, v: bigint): void {
  if (typeof v !== 'bigint' || v < 0n || v > MASK64) throw new RangeError(`${name} must be an unsigned 64-bit bigint`);
}

/** (a·b) mod P in the reflected representation; result in out[0] (hi) and out[1] (lo). */
function mulModP(aHi: number, aLo: number, bHi: number, bLo: number, out: Uint32Array): void {
  let pHi = 0;
  let pLo = 0;
  for (let i = 0; i < 64; i++) {
    // Bit i from the top of `a` is the coefficient of x^i.
    const bit = i < 32 ? (aHi >>> (31 - i)) & 1 : (aLo >>> (63 - i)) & 1;
    if (bit) {
      pHi ^= bHi;
      pLo ^= bLo;
    }
    // b ← b·x mod P: a right shift in the reflected representation, reducing when x^63 falls off.
    const carry = bLo & 1;
    bLo = (bLo >>> 1) | (bHi << 31);
    bHi >>>= 1;
    if (carry) {
      bLo ^= POLY_LO;
      bHi ^= POLY_HI;
    }
  }
  out[0] = pHi >>> 0;
  out[1] = pLo >>> 0;
}

/** X2N_HI/LO[k] = x^(2^k) mod P. */
const X2N_HI = new Uint32Array(64);
const X2N_LO = new Uint32Array(64);
{
  const tmp = new Uint32Array(2);
  X2N_HI[0] = 0x40000000; // x^1
  X2N_LO[0] = 0;
  for (let k = 1; k < 64; k++) {
    mulModP(X2N_HI[k - 1], X2N_LO[k - 1], X2N_HI[k - 1], X2N_LO[k - 1], tmp);
    X2N_HI[k] = tmp[0];
    X2N_LO[k] = tmp[1];
  }
}

/**
 * CRC of A‖B given crc(A), crc(B) and the byte length of B. Lengths are exact up to Number.MAX_SAFE_INTEGER,
 * far beyond COS's 48.8 TiB object limit.
 */
export function crc64Combine(crc1: bigint, crc2: bigint, len2: number): bigint {
  checkCrc('crc1', crc1);
  checkCrc('crc2', crc2);
  if (!Number.isSafeInteger(len2) || len2 < 0) {
    throw new RangeError(`len2 must be a non-negative safe integer, got ${len2}`);
  }

  // x^(8·len2) mod P: start from x^0 (top bit) and multiply in x^(2^k) for every set bit of len2, with k
  // starting at 3 because 8 = 2^3. Division instead of >>> keeps lengths above 2^32 exact.
  const acc = new Uint32Array([0x80000000, 0]);
  let n = len2;
  let k = 3;
  while (n > 0) {
    if (n % 2 === 1) mulModP(X2N_HI[k & 63], X2N_LO[k & 63], acc[0], acc[1], acc);
    n = Math.floor(n / 2);
    k++;
  }
  const c1 = new Uint32Array(2);
  mulModP(acc[0], acc[1], Number(crc1 >> 32n), Number(crc1 & 0xffffffffn), c1);
  return toBigInt(c1[0], c1[1]) ^ crc2;
}
