// Messages between the store's request thread and its MD5 workers (md5-worker.ts).

export type ToMd5Worker =
  | { t: 'open'; id: number }
  | { t: 'data'; id: number; buf: ArrayBuffer; len: number }
  | { t: 'finish'; id: number }
  | { t: 'abort'; id: number };

export type FromMd5Worker = { t: 'ack'; id: number; buf: ArrayBuffer } | { t: 'done'; id: number; md5: ArrayBuffer };
