// Request-thread half of the MD5 offload: a small pool of worker threads (md5-worker.ts) and a job per data file.
// Incoming bytes are copied into 1 MiB staging buffers that are transferred (not copied) to a worker and come
// back for reuse; at most a few are in flight per job, so memory stays flat whatever the object size.
import { cpus } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { spawnStoreWorker } from '../workers/spawn-worker';
import type { FromMd5Worker, ToMd5Worker } from './md5-worker-protocol';

const STAGE_BYTES = 1024 * 1024;
const MAX_IN_FLIGHT = 4;
/** MD5 allocates nothing per update: a small young generation is plenty. */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 2 };

function spawnWorker(): Worker {
  return spawnStoreWorker(import.meta.url, 'md5-worker', WORKER_LIMITS);
}

interface Pending {
  inFlight: number;
  waiters: Array<() => void>;
  done?: (md5: Buffer) => void;
  fail: (err: Error) => void;
  error?: Error;
}

interface PoolWorker {
  worker: Worker;
  active: number;
}

export interface Md5Job {
  /** Feeds bytes (copied; the caller keeps its buffer); resolves when the job can take more. */
  write(chunk: Buffer): Promise<void>;
  /** Resolves with the 16-byte digest. */
  finish(): Promise<Buffer>;
  abort(): void;
}

export class Md5WorkerPool {
  private readonly workers: PoolWorker[] = [];
  private readonly jobs = new Map<number, Pending>();
  private readonly free: ArrayBuffer[] = [];
  private nextId = 1;

  /** One worker per core beyond the request thread's own (at most 2): on 2 cores, one. */
  constructor(private readonly size = Number(process.env.COFFER_STORE_HASH_WORKERS) || Math.max(1, Math.min(2, cpus().length - 1))) {}

  /**
   * Staging buffers kept for reuse: enough for every running job's stage and its hashes in flight. A fixed 8 was
   * short with 4 parts uploading at once: buffers coming back were dropped and fresh 1 MiB ones allocated. The
   * spares beyond 8 go when the jobs that needed them end.
   */
  private spareBuffers(): number {
    return Math.max(8, this.jobs.size * (MAX_IN_FLIGHT + 1));
  }

  private pick(): PoolWorker {
    if (this.workers.length < this.size) {
      const worker = spawnWorker();
      const pw: PoolWorker = { worker, active: 0 };
      worker.on('message', (m: FromMd5Worker) => this.onMessage(m));
      worker.on('error', (err) => this.onWorkerDeath(pw, err));
      worker.on('exit', (code) => this.onWorkerDeath(pw, new Error(`MD5 worker exited with code ${code}`)));
      // After the listeners (adding a 'message' listener refs the port again); start() refs it while busy.
      worker.unref();
      this.workers.push(pw);
      return pw;
    }
    return this.workers.reduce((a, b) => (b.active < a.active ? b : a));
  }

  private onWorkerDeath(pw: PoolWorker, err: Error): void {
    const i = this.workers.indexOf(pw);
    if (i < 0) return;
    this.workers.splice(i, 1);
    for (const p of this.jobs.values()) p.fail(err);
  }

  private onMessage(m: FromMd5Worker): void {
    const p = this.jobs.get(m.id);
    if (m.t === 'ack') {
      if (this.free.length < this.spareBuffers()) this.free.push(m.buf);
      if (!p) return;
      p.inFlight--;
      p.waiters.shift()?.();
    } else {
      p?.done?.(Buffer.from(m.md5));
    }
  }

  start(): Md5Job {
    const id = this.nextId++;
    const pw = this.pick();
    // Referenced only while it has work: an idle pool must not keep the process alive, a busy one must.
    if (pw.active++ === 0) pw.worker.ref();
    let settled = false;
    const release = () => {
      if (settled) return;
      settled = true;
      if (--pw.active === 0) pw.worker.unref();
      this.jobs.delete(id);
      this.free.length = Math.min(this.free.length, this.spareBuffers());
    };
    const pending: Pending = {
      inFlight: 0,
      waiters: [],
      fail: (err) => {
        if (pending.error) return;
        pending.error = err;
        for (const w of pending.waiters.splice(0)) w();
      },
    };
    this.jobs.set(id, pending);
    const post = (msg: ToMd5Worker, transfer: ArrayBuffer[] = []) => pw.worker.postMessage(msg, transfer);
    post({ t: 'open', id });

    let stage: Buffer | null = null;
    let stageLen = 0;
    const flush = async () => {
      if (!stage || stageLen === 0) return;
      const ab = stage.buffer as ArrayBuffer;
      const len = stageLen;
      stage = null;
      stageLen = 0;
      pending.inFlight++;
      post({ t: 'data', id, buf: ab, len }, [ab]);
      if (pending.inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => pending.waiters.push(r));
      if (pending.error) throw pending.error;
    };
    return {
      write: async (chunk) => {
        if (pending.error) throw pending.error;
        let off = 0;
        while (off < chunk.length) {
          stage ??= Buffer.from(this.free.pop() ?? new ArrayBuffer(STAGE_BYTES), 0, STAGE_BYTES);
          const n = Math.min(chunk.length - off, STAGE_BYTES - stageLen);
          chunk.copy(stage, stageLen, off, off + n);
          stageLen += n;
          off += n;
          if (stageLen === STAGE_BYTES) await flush();
        }
      },
      finish: async () => {
        try {
          await flush();
          return await new Promise<Buffer>((resolve, reject) => {
            if (pending.error) return reject(pending.error);
            pending.done = resolve;
            pending.fail = (err) => reject(err);
            post({ t: 'finish', id });
          });
        } finally {
          release();
        }
      },
      abort: () => {
        if (settled) return;
        post({ t: 'abort', id });
        release();
      },
    };
  }
}
