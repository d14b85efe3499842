// Request-thread half of the write pipeline: a small pool of worker threads (write-worker.ts) and a job handle
// per data file. The request thread copies incoming bytes into 1 MiB staging buffers and transfers them (no copy)
// to a worker; at most a few buffers are in flight per job, so memory stays flat whatever the object size, and a
// slow disk pushes back on the HTTP socket.
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DataFileContext } from '../sse/sse-data-format';
import type { FromWorker, ToWorker } from './write-worker-protocol';

const STAGE_BYTES = 1024 * 1024;
const MAX_IN_FLIGHT = 4;

/**
 * A worker only holds a few buffers in flight; a small young generation keeps its garbage (one ciphertext
 * Buffer per 64 KiB chunk) from inflating the process RSS.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: Number(process.env.COFFER_STORE_WORKER_YOUNG_MB ?? 4) };

function spawnWorker(): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // Running from TypeScript sources (tsx, vitest): the worker needs the same loader to import .ts files.
    // tsx's ESM entry (its package "exports" maps import → dist/esm/api/index.mjs).
    const tsxPkg = createRequire(here).resolve('tsx/package.json');
    const tsxApi = pathToFileURL(join(dirname(tsxPkg), 'dist', 'esm', 'api', 'index.mjs')).href;
    const target = new URL('./write-worker.ts', here).href;
    const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
    return new Worker(boot, { eval: true, resourceLimits: WORKER_LIMITS });
  }
  // Bundled (scripts/build-store.mjs): the worker is its own bundle beside this one.
  return new Worker(new URL('./write-worker.mjs', here), { resourceLimits: WORKER_LIMITS });
}

interface Pending {
  acks: Array<() => void>;
  aborted?: () => void;
  done?: (r: { crc64: string; fileBytes: number }) => void;
  fail: (err: Error) => void;
  inFlight: number;
  error?: Error;
}

interface PoolWorker {
  worker: Worker;
  active: number;
}

export interface WriteJob {
  /** Queues plaintext; resolves when the job can take more (backpressure). */
  write(chunk: Buffer): Promise<void>;
  /** Flushes, encrypts the final chunk, fdatasyncs; resolves with the plaintext CRC64 and the file size. */
  finish(): Promise<{ crc64: string; fileBytes: number }>;
  /** Stops the job; resolves once none of its writes is in flight (only then may the fd be closed). */
  abort(): Promise<void>;
}

export class WriteWorkerPool {
  private readonly workers: PoolWorker[] = [];
  private readonly jobs = new Map<number, Pending>();
  private readonly free: ArrayBuffer[] = [];
  private nextId = 1;
  private closed = false;

  /** One worker per core beyond the request thread's own (at most 2): on 2 cores, one. */
  constructor(private readonly size = Number(process.env.COFFER_STORE_WRITE_WORKERS) || Math.max(1, Math.min(2, cpus().length - 1))) {}

  private pick(): PoolWorker {
    if (this.workers.length < this.size) {
      const worker = spawnWorker();
      const pw: PoolWorker = { worker, active: 0 };
      worker.on('message', (m: FromWorker) => this.onMessage(m));
      worker.on('error', (err) => this.onWorkerDeath(pw, err));
      worker.on('exit', (code) => {
        if (!this.closed) this.onWorkerDeath(pw, new Error(`write worker exited with code ${code}`));
      });
      // After the listeners (adding a 'message' listener refs the port again); start() refs it while busy.
      worker.unref();
      this.workers.push(pw);
      return pw;
    }
    return this.workers.reduce((a, b) => (b.active < a.active ? b : a));
  }

  private onWorkerDeath(pw: PoolWorker, err: Error): void {
    const i = this.workers.indexOf(pw);
    if (i >= 0) this.workers.splice(i, 1);
    // Jobs on that worker cannot finish; fail them all (each upload then cleans its own temp file).
    for (const p of this.jobs.values()) {
      p.fail(err);
      p.aborted?.();
    }
  }

  private onMessage(m: FromWorker): void {
    const p = this.jobs.get(m.id);
    switch (m.t) {
      case 'ack':
        if (this.free.length < 16) this.free.push(m.buf);
        if (!p) return;
        p.inFlight--;
        p.acks.shift()?.();
        return;
      case 'done':
        p?.done?.({ crc64: m.crc64, fileBytes: m.fileBytes });
        return;
      case 'error': {
        const err = Object.assign(new Error(m.message), { code: m.code });
        p?.fail(err);
        return;
      }
      case 'aborted':
        p?.aborted?.();
        return;
    }
  }

  start(fd: number, enc: DataFileContext | undefined): WriteJob {
    if (this.closed) throw new Error('the write pool is closed');
    const id = this.nextId++;
    const pw = this.pick();
    // Referenced only while it has work: an idle pool must not keep the process alive, a busy one must.
    if (pw.active++ === 0) pw.worker.ref();
    const post = (msg: ToWorker, transfer: ArrayBuffer[] = []) => pw.worker.postMessage(msg, transfer);
    let settled = false;
    const pending: Pending = {
      acks: [],
      inFlight: 0,
      fail: (err) => {
        if (pending.error) return;
        pending.error = err;
        for (const a of pending.acks.splice(0)) a();
        pending.done = undefined;
        failFinish?.(err);
      },
    };
    let failFinish: ((err: Error) => void) | undefined;
    this.jobs.set(id, pending);
    const release = () => {
      if (settled) return;
      settled = true;
      if (--pw.active === 0) pw.worker.unref();
      this.jobs.delete(id);
    };
    post({
      t: 'open',
      id,
      fd,
      ctx: enc ? { oek: enc.oek, objectId: enc.objectId, partNumber: enc.partNumber, partSalt: enc.partSalt, bucket: enc.bucket, key: enc.key } : null,
    });

    let stage: Buffer | null = null;
    let stageLen = 0;
    const flushStage = async () => {
      if (!stage || stageLen === 0) return;
      const ab = stage.buffer as ArrayBuffer;
      const len = stageLen;
      stage = null;
      stageLen = 0;
      pending.inFlight++;
      post({ t: 'data', id, buf: ab, len }, [ab]);
      if (pending.inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => pending.acks.push(r));
      if (pending.error) throw pending.error;
    };
    const newStage = () => {
      const ab = this.free.pop() ?? new ArrayBuffer(STAGE_BYTES);
      return Buffer.from(ab, 0, STAGE_BYTES);
    };

    return {
      write: async (chunk) => {
        if (pending.error) throw pending.error;
        let off = 0;
        while (off < chunk.length) {
          stage ??= newStage();
          const n = Math.min(chunk.length - off, STAGE_BYTES - stageLen);
          chunk.copy(stage, stageLen, off, off + n);
          stageLen += n;
          off += n;
          if (stageLen === STAGE_BYTES) await flushStage();
        }
      },
      finish: async () => {
        try {
          await flushStage();
          return await new Promise<{ crc64: string; fileBytes: number }>((resolve, reject) => {
            if (pending.error) return reject(pending.error);
            pending.done = resolve;
            failFinish = reject;
            post({ t: 'finish', id });
          });
        } finally {
          release();
        }
      },
      abort: async () => {
        if (settled) return;
        await new Promise<void>((resolve) => {
          pending.aborted = resolve;
          post({ t: 'abort', id });
        });
        release();
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }
}
