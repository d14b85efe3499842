// Worker-thread half of the write pipeline: CRC64 of the plaintext, encryption and the file writes run here, so
// the thread that parses HTTP only pays for the MD5 (which must see bytes in order and cannot be split). Writes
// are positional and asynchronous, so hashing and encrypting the next buffer overlaps the disk taking the last
// one. One worker serves many uploads, each identified by a job id.
import { fdatasync, writev } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { Crc64 } from '../../cos/crc64';
import { ChunkEncryptor } from '../sse/chunk-encryptor';
import type { FromWorker, ToWorker } from './write-worker-protocol';

interface Job {
  id: number;
  fd: number;
  crc: Crc64;
  enc: ChunkEncryptor | null;
  /** Next file offset to assign. */
  position: number;
  writesInFlight: number;
  /** Called when writesInFlight drops to 0 (finish waits on it). */
  idle: (() => void) | null;
  failed: boolean;
  /** Bytes written since the last background flush was started. */
  unsynced: number;
  syncing: Promise<void> | null;
}

/**
 * Start writing dirty pages back while the upload is still arriving, so the fdatasync that makes the object
 * durable at the end has little left to do (otherwise a large object's whole write-back happens after the last
 * byte).
 */
const BACKGROUND_SYNC_BYTES = 32 * 1024 * 1024;

const jobs = new Map<number, Job>();
const port = parentPort!;

function post(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

/**
 * Runs `then` once no write of the job is in flight. The request thread closes the fd as soon as it hears about
 * an error or an abort, and a write still queued on a closed fd number could land in whatever file reuses it.
 */
function whenIdle(job: Job, then: () => void): void {
  if (job.writesInFlight === 0) then();
  else job.idle = then;
}

function fail(job: Job, err: unknown): void {
  if (job.failed) return;
  job.failed = true;
  job.enc?.dispose();
  jobs.delete(job.id);
  whenIdle(job, () => post({ t: 'error', id: job.id, message: (err as Error).message, code: (err as NodeJS.ErrnoException).code }));
}

function backgroundSync(job: Job): void {
  if (job.syncing || job.unsynced < BACKGROUND_SYNC_BYTES) return;
  job.unsynced = 0;
  job.syncing = new Promise<void>((resolve) => fdatasync(job.fd, () => resolve())).then(() => {
    job.syncing = null;
  });
}

/** Writes `bufs` at the job's next position; calls `done` once every byte is on its way to the disk. */
function writeAt(job: Job, bufs: Buffer[], done: () => void): void {
  let total = 0;
  for (const b of bufs) total += b.length;
  if (total === 0) return done();
  const start = job.position;
  job.position += total;
  job.writesInFlight++;
  let written = 0;
  const step = () => {
    // writev may write less than asked: continue from where it stopped.
    let skip = written;
    const rest: Buffer[] = [];
    for (const b of bufs) {
      if (skip >= b.length) {
        skip -= b.length;
        continue;
      }
      rest.push(skip ? b.subarray(skip) : b);
      skip = 0;
    }
    writev(job.fd, rest, start + written, (err, n) => {
      if (!err) written += n;
      if (!err && written < total && !job.failed) return step();
      job.writesInFlight--;
      if (err) fail(job, err);
      else if (!job.failed) {
        job.unsynced += total;
        backgroundSync(job);
        done();
      }
      if (job.writesInFlight === 0 && job.idle) {
        const idle = job.idle;
        job.idle = null;
        idle();
      }
    });
  };
  step();
}

function finish(job: Job): void {
  if (job.enc) writeAt(job, job.enc.finish(), () => undefined);
  const complete = () => {
    // The caller closes the fd after 'done': let a background flush on it complete first.
    void (job.syncing ?? Promise.resolve()).then(() => {
      if (job.failed) return;
      fdatasync(job.fd, (err) => {
        if (err) return fail(job, err);
        jobs.delete(job.id);
        post({ t: 'done', id: job.id, crc64: job.crc.toDecimal(), fileBytes: job.position });
      });
    });
  };
  whenIdle(job, complete);
}

port.on('message', (msg: ToWorker) => {
  const job = jobs.get(msg.id);
  try {
    switch (msg.t) {
      case 'open': {
        const c = msg.ctx;
        const enc = c
          ? new ChunkEncryptor({
              oek: Buffer.from(c.oek),
              objectId: Buffer.from(c.objectId),
              partNumber: c.partNumber,
              partSalt: Buffer.from(c.partSalt),
              bucket: c.bucket,
              key: c.key,
            })
          : null;
        jobs.set(msg.id, { id: msg.id, fd: msg.fd, crc: new Crc64(), enc, position: 0, writesInFlight: 0, idle: null, failed: false, unsynced: 0, syncing: null });
        return;
      }
      case 'data': {
        if (!job || job.failed) return;
        const buf = Buffer.from(msg.buf, 0, msg.len);
        job.crc.update(buf);
        // The staging buffer goes back to the request thread (for reuse, and as the backpressure signal) once
        // its bytes are written — or, encrypted, once the ciphertext is (the encryptor copies what it holds).
        writeAt(job, job.enc ? job.enc.push(buf) : [buf], () => post({ t: 'ack', id: msg.id, buf: msg.buf }, [msg.buf]));
        return;
      }
      case 'finish': {
        if (!job || job.failed) return;
        finish(job);
        return;
      }
      case 'abort': {
        if (!job) return post({ t: 'aborted', id: msg.id });
        job.failed = true;
        job.enc?.dispose();
        jobs.delete(msg.id);
        whenIdle(job, () => post({ t: 'aborted', id: msg.id }));
        return;
      }
    }
  } catch (err) {
    if (job) fail(job, err);
    else post({ t: 'error', id: msg.id, message: (err as Error).message, code: (err as NodeJS.ErrnoException).code });
  }
});
