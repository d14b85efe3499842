// Worker-thread half of the write pipeline: the MD5 of the plaintext (the ETag), which must see the bytes in
// order and cannot be split, runs here while the request thread does CRC64, encryption and the writes. MD5
// allocates nothing per update, so this thread adds no garbage and next to no memory. One worker serves many
// uploads, each identified by a job id.
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { FromMd5Worker, ToMd5Worker } from './md5-worker-protocol';

const jobs = new Map<number, Hash>();
const port = parentPort!;

function post(msg: FromMd5Worker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

port.on('message', (msg: ToMd5Worker) => {
  switch (msg.t) {
    case 'open':
      jobs.set(msg.id, createHash('md5'));
      return;
    case 'data': {
      jobs.get(msg.id)?.update(new Uint8Array(msg.buf, 0, msg.len));
      // The buffer goes back for reuse; its return is also the request thread's backpressure signal.
      post({ t: 'ack', id: msg.id, buf: msg.buf }, [msg.buf]);
      return;
    }
    case 'finish': {
      const h = jobs.get(msg.id);
      jobs.delete(msg.id);
      const digest = h ? h.digest() : Buffer.alloc(0);
      post({ t: 'done', id: msg.id, md5: digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.length) as ArrayBuffer });
      return;
    }
    case 'abort':
      jobs.delete(msg.id);
      return;
  }
});
