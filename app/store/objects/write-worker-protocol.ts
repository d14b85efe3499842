// Messages between the store's request thread and its write workers (write-worker.ts).

export interface WorkerContext {
  oek: Uint8Array;
  objectId: Uint8Array;
  partNumber: number;
  partSalt: Uint8Array;
  bucket: string;
  key: string;
}

export type ToWorker =
  | { t: 'open'; id: number; fd: number; ctx: WorkerContext | null }
  | { t: 'data'; id: number; buf: ArrayBuffer; len: number }
  | { t: 'finish'; id: number }
  | { t: 'abort'; id: number };

export type FromWorker =
  | { t: 'ack'; id: number; buf: ArrayBuffer }
  | { t: 'done'; id: number; crc64: string; fileBytes: number }
  | { t: 'error'; id: number; message: string; code?: string }
  /** The job's writes have all settled after an abort: the fd may be closed now. */
  | { t: 'aborted'; id: number };
