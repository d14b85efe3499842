// The on-disk format of one encrypted data file (sse-design §8.5): constants, the 48-byte header, the per-file
// data key, chunk nonces and AAD, size arithmetic, and the error every integrity failure is reported as.
// ChunkEncryptor (writing) and range-reader (reading) both build on these, so the format lives in one place.

import { createHash, createHmac } from 'node:crypto';
import { randomBytesPooled } from './random-pool';
import { lpJoin, u32be } from './sse-encoding';

export const SSE_CHUNK = 65536;
export const SSE_HEADER = 48;
export const SSE_TAG = 16;
/** One stored chunk: ciphertext plus tag. */
export const SSE_STORED_CHUNK = SSE_CHUNK + SSE_TAG;

export const SSE_MAGIC = Buffer.from('CSE1', 'latin1');
export const SSE_FORMAT_VERSION = 1;
export const SSE_AEAD_AES_256_GCM = 1;
export const SSE_LOG2_CHUNK = 16;
/** Header flags bit 0: the file is a part of a multipart upload (partNumber ≥ 1). */
export const SSE_FLAG_MULTIPART_PART = 0x01;

/** GCM keeps a 32-bit block counter per nonce, and our nonce holds a u32 chunk index. */
const MAX_CHUNKS = 2 ** 32;
const DK_LABEL = Buffer.from('cos-sse/v1/dk', 'latin1');

/**
 * Thrown for every authentication, format or size failure of encrypted data or a wrapped key. The message says
 * what failed (which check, which chunk) and never carries key material.
 */
export class SseIntegrityError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SseIntegrityError';
  }
}

export interface DataFileContext {
  oek: Buffer;
  objectId: Buffer;
  partNumber: number;
  partSalt: Buffer;
  bucket: string;
  key: string;
}

/**
 * A context for a new data file with a fresh random partSalt, so a re-uploaded part never reuses a data key.
 * `partSalt` may be injected only for known-answer tests.
 */
export function newDataFileContext(
  oek: Buffer,
  objectId: Buffer,
  partNumber: number,
  bucket: string,
  key: string,
  partSalt: Buffer = randomBytesPooled(16),
): DataFileContext {
  const ctx = { oek, objectId, partNumber, partSalt, bucket, key };
  assertContext(ctx);
  return ctx;
}

export function assertContext(ctx: { oek: Buffer; objectId: Buffer; partNumber: number; partSalt?: Buffer }): void {
  if (!Buffer.isBuffer(ctx.oek) || ctx.oek.length !== 32) throw new TypeError('SSE object key must be 32 bytes');
  if (!Buffer.isBuffer(ctx.objectId) || ctx.objectId.length !== 16) throw new TypeError('SSE objectId must be 16 bytes');
  if (!Number.isInteger(ctx.partNumber) || ctx.partNumber < 0 || ctx.partNumber > 0xffffffff) {
    throw new TypeError(`SSE partNumber must be a u32, got ${ctx.partNumber}`);
  }
  if (ctx.partSalt !== undefined && (!Buffer.isBuffer(ctx.partSalt) || ctx.partSalt.length !== 16)) {
    throw new TypeError('SSE partSalt must be 16 bytes');
  }
}

function assertPlainSize(plainSize: number): void {
  if (!Number.isSafeInteger(plainSize) || plainSize < 0) throw new RangeError(`invalid plaintext size ${plainSize}`);
}

/** Number of chunks in a file: an empty object still has one (empty, final) chunk so it is authenticated. */
export function chunkCount(plainSize: number): number {
  assertPlainSize(plainSize);
  return Math.max(1, Math.ceil(plainSize / SSE_CHUNK));
}

/** 48 + size + 16·max(1, ⌈size/64 KiB⌉). */
export function encryptedFileSize(plainSize: number): number {
  return SSE_HEADER + plainSize + SSE_TAG * chunkCount(plainSize);
}

/** Plaintext length of chunk `i` of a file holding `plainSize` bytes. */
export function chunkPlainLength(plainSize: number, i: number): number {
  const n = chunkCount(plainSize);
  return i < n - 1 ? SSE_CHUNK : plainSize - (n - 1) * SSE_CHUNK;
}

export function assertChunkIndex(i: number): void {
  if (i >= MAX_CHUNKS) throw new RangeError('SSE data file exceeds 2^32 chunks');
}

function expectedFlags(partNumber: number): number {
  return partNumber > 0 ? SSE_FLAG_MULTIPART_PART : 0;
}

export function encodeHeader(ctx: DataFileContext): Buffer {
  const h = Buffer.alloc(SSE_HEADER); // zeroed: the reserved bytes must be 0
  SSE_MAGIC.copy(h, 0);
  h[4] = SSE_FORMAT_VERSION;
  h[5] = SSE_AEAD_AES_256_GCM;
  h[6] = SSE_LOG2_CHUNK;
  h[7] = expectedFlags(ctx.partNumber);
  ctx.objectId.copy(h, 8);
  h.writeUInt32BE(ctx.partNumber, 24);
  ctx.partSalt.copy(h, 28);
  return h;
}

export interface ParsedHeader {
  flags: number;
  objectId: Buffer;
  partNumber: number;
  partSalt: Buffer;
}

/**
 * Parses and checks a header against what the metadata says the file must be. The header is also hashed into
 * every chunk's AAD, so bits this does not check explicitly still break every tag.
 */
export function checkHeader(
  h: Buffer,
  expect: { objectId: Buffer; partNumber: number; partSalt?: Buffer },
): ParsedHeader {
  if (h.length !== SSE_HEADER) throw new SseIntegrityError(`SSE header truncated (${h.length} of ${SSE_HEADER} bytes)`);
  if (!h.subarray(0, 4).equals(SSE_MAGIC)) throw new SseIntegrityError('SSE header magic is not "CSE1"');
  if (h[4] !== SSE_FORMAT_VERSION) throw new SseIntegrityError(`SSE format version ${h[4]} is not supported`);
  if (h[5] !== SSE_AEAD_AES_256_GCM) throw new SseIntegrityError(`SSE aead id ${h[5]} is not supported`);
  if (h[6] !== SSE_LOG2_CHUNK) throw new SseIntegrityError(`SSE chunk size 2^${h[6]} is not supported`);
  const flags = h[7];
  if (flags !== expectedFlags(expect.partNumber)) throw new SseIntegrityError(`SSE header flags 0x${flags.toString(16)} are wrong for this file`);
  if (h.readUInt32BE(44) !== 0) throw new SseIntegrityError('SSE header reserved bytes are not zero');
  const objectId = h.subarray(8, 24);
  if (!objectId.equals(expect.objectId)) throw new SseIntegrityError('SSE data file belongs to a different object (objectId mismatch)');
  const partNumber = h.readUInt32BE(24);
  if (partNumber !== expect.partNumber) {
    throw new SseIntegrityError(`SSE data file is part ${partNumber}, expected part ${expect.partNumber}`);
  }
  const partSalt = h.subarray(28, 44);
  if (expect.partSalt && !partSalt.equals(expect.partSalt)) {
    throw new SseIntegrityError('SSE data file partSalt does not match the metadata (stale or foreign part file)');
  }
  return { flags, objectId, partNumber, partSalt };
}

/** DK = HMAC-SHA256(OEK, "cos-sse/v1/dk" ‖ u32be(partNumber) ‖ partSalt). Unique per file because of the salt. */
export function deriveDataKey(oek: Buffer, partNumber: number, partSalt: Buffer): Buffer {
  return createHmac('sha256', oek).update(DK_LABEL).update(u32be(partNumber)).update(partSalt).digest();
}

/** AAD = SHA-256(header48 ‖ lp(bucket) ‖ lp(key)): binds every chunk to its header and to the object's name. */
export function chunkAad(header: Buffer, bucket: string, key: string): Buffer {
  return createHash('sha256').update(header).update(lpJoin(bucket, key)).digest();
}

/**
 * nonce = 0x00×7 ‖ u32be(i) ‖ finalFlag (Tink's layout). Writes into `out` when given: createCipheriv copies the
 * IV, so one scratch buffer per file avoids an allocation per chunk.
 */
export function chunkNonce(i: number, final: boolean, out: Buffer = Buffer.alloc(12)): Buffer {
  out.fill(0, 0, 7);
  out.writeUInt32BE(i, 7);
  out[11] = final ? 1 : 0;
  return out;
}
