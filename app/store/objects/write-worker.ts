// Worker-thread half of the write pipeline: CRC64 of the plaintext, encryption and the file writes run here, so
// the thread that parses HTTP only pays for the MD5 (which must see bytes in order and cannot be split). One
// worker serves many uploads, each identified by a job id.
import { fdatasync, fdatasyncSync, writevSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { Crc64 } from '../../cos/crc64';
import { ChunkEncryptor } from '../sse/chunk-encryptor';
import type { ToWorker, FromWorker } from './write-worker-protocol';

interface Job {
  fd: number;
  crc: Crc64;
  enc: ChunkEncryptor | null;
  position: number;
  failed: boolean;
  /** Bytes written since the last background flush was started. */
  unsynced: number;
  syncing: Promise<void> | null;
}

/**
 * Start writing dirty pages back while the upload is still arriving, so the fdatasync that makes the object
 * durable at the end has little left to do (otherwise a large object's whole write-back happens after the last
 * byte, doubling its latency).
 */
const BACKGROUND_SYNC_BYTES = 32 * 1024 * 1024;

function backgroundSync(job: Job): void {
  if (job.syncing || job.unsynced < BACKGROUND_SYNC_BYTES) return;
  job.unsynced = 0;
  job.syncing = new Promise<void>((resolve) => fdatasync(job.fd, () => resolve())).then(() => {
    job.syncing = null;
  });
}

const jobs = new Map<number, Job>();
const port = parentPort!;

function post(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

function writeAll(job: Job, bufs: Buffer[]): void {
  let total = 0;
  for (const b of bufs) total += b.length;
  let written = 0;
  // writev may write less than asked; continue from where it stopped.
  while (written < total) {
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
    written += writevSync(job.fd, rest, job.position + written);
  }
  job.position += total;
  job.unsynced += total;
  backgroundSync(job);
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
        jobs.set(msg.id, { fd: msg.fd, crc: new Crc64(), enc, position: 0, failed: false, unsynced: 0, syncing: null });
        return;
      }
      case 'data': {
        if (!job || job.failed) return;
        const buf = Buffer.from(msg.buf, 0, msg.len);
        job.crc.update(buf);
        writeAll(job, job.enc ? job.enc.push(buf) : [buf]);
        // Hand the buffer back for reuse (the encryptor copied what it held back).
        post({ t: 'ack', id: msg.id, buf: msg.buf }, [msg.buf]);
        return;
      }
      case 'finish': {
        if (!job || job.failed) return;
        if (job.enc) writeAll(job, job.enc.finish());
        jobs.delete(msg.id);
        // The caller closes the fd after 'done': let a background flush on it complete first.
        void (job.syncing ?? Promise.resolve()).then(() => {
          try {
            fdatasyncSync(job.fd);
            post({ t: 'done', id: msg.id, crc64: job.crc.toDecimal(), fileBytes: job.position });
          } catch (err) {
            post({ t: 'error', id: msg.id, message: (err as Error).message, code: (err as NodeJS.ErrnoException).code });
          }
        });
        return;
      }
      case 'abort': {
        job?.enc?.dispose();
        jobs.delete(msg.id);
        // The caller may close the fd right away; a background fdatasync on a closed fd just fails harmlessly.
        return;
      }
    }
  } catch (err) {
    if (job) {
      job.failed = true;
      job.enc?.dispose();
      jobs.delete(msg.id);
    }
    post({ t: 'error', id: msg.id, message: (err as Error).message, code: (err as NodeJS.ErrnoException).code });
  }
});
