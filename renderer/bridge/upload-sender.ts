// Browser mode: sending the bytes of the files the host pulled (wire.ts). Small files asked for from their start
// travel many to a request (POST /upload-batch: a manifest line, then a Blob of the Files, which the browser
// streams from disk; a FormData would cost the page about a millisecond per file to encode); a large file, or one
// resumed from an offset, gets its own PUT of the File sliced from there. One batch is in flight at a time, and
// the pulls that arrive meanwhile make the next one: each request costs the page about as much as a small file's
// bytes, so a drop of thousands of small files must be a few hundred requests, not one per file. Large files go
// MAX_SINGLES at a time beside it (a browser keeps 6 connections per origin).
import { BATCH_FILE_MAX_BYTES, MAX_BATCH_FILES, unreadableUrl, uploadBatchUrl, uploadUrl, type BatchManifest } from '../../shared/contract';
import { timeSlicer } from '../lib/time-slice';

export interface HeldFile {
  file: File;
  /** Read once when the file was announced: a dropped File may ask the disk again on every `.size`. */
  size: number;
}

export interface SenderEnvironment {
  fetch: typeof fetch;
  token: string;
  /** The file behind a stream id, while the host may still ask for it. */
  held(streamId: string): HeldFile | undefined;
}

export interface Pull {
  streamId: string;
  offset: number;
  /** Send it with its own PUT (a batch that held it broke off on the way). */
  alone?: boolean;
}

const MAX_SINGLES = 3;
/**
 * Files per piece of a batch's body: one piece is made at a time, between turns. A Blob of 100 dropped Files took
 * up to 28 ms to make while the browser was still listing the folder (both cores busy): with the slice's 8 ms, a
 * task of 36 ms and more. A piece of 25 is a quarter of that work.
 */
const BLOB_PART_FILES = 25;
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

export function uploadSender(env: SenderEnvironment) {
  let waiting: Pull[] = [];
  let batching = false;
  let singles = 0;

  /** Starts what may start: the batch of the small files waiting (one at a time), large files alone. */
  const pump = () => {
    const batch: Array<{ streamId: string; file: File; size: number }> = [];
    const rest: Pull[] = [];
    let bytes = 0;
    for (const pull of waiting) {
      const held = env.held(pull.streamId);
      // Released meanwhile, or a stream from before a reload: the host keeps that job waiting for the files.
      if (!held) continue;
      if (pull.alone || pull.offset > 0 || held.size > BATCH_FILE_MAX_BYTES) {
        if (singles >= MAX_SINGLES) rest.push(pull);
        else {
          singles++;
          void put(pull.streamId, held.file, pull.offset).finally(() => {
            singles--;
            pump();
          });
        }
      } else if (batching || batch.length >= MAX_BATCH_FILES || (batch.length > 0 && bytes + held.size > MAX_BATCH_BYTES)) {
        rest.push(pull);
      } else {
        batch.push({ streamId: pull.streamId, file: held.file, size: held.size });
        bytes += held.size;
      }
    }
    waiting = rest;
    if (batch.length > 0) {
      batching = true;
      void post(batch).finally(() => {
        batching = false;
        pump();
      });
    }
  };

  async function put(streamId: string, file: File, offset: number): Promise<void> {
    try {
      await env.fetch(uploadUrl(streamId, env.token, offset), {
        method: 'PUT',
        body: offset > 0 ? file.slice(offset) : file,
        headers: { 'content-type': 'application/octet-stream' },
      });
    } catch {
      // A file the browser cannot read (moved or deleted since the drop, or a folder taken for a file) fails
      // before its request leaves, so the host would wait for it: say so, and its item fails with a sentence.
      // Otherwise the host saw the body end early and reports the item's failure as a job event.
      if (!(await readable(file, offset))) await env.fetch(unreadableUrl(streamId, env.token), { method: 'PUT' }).catch(() => undefined);
    }
  }

  async function post(batch: Array<{ streamId: string; file: File; size: number }>): Promise<void> {
    const manifest: BatchManifest = batch.map((b) => [b.streamId, b.size]);
    // A Blob of 1000 Files takes the page 50 to 130 ms to make: it is made of smaller ones, a slice at a time.
    const parts: Blob[] = [];
    const slice = timeSlicer();
    for (let i = 0; i < batch.length; i += BLOB_PART_FILES) {
      parts.push(new Blob(batch.slice(i, i + BLOB_PART_FILES).map((b) => b.file)));
      const turn = slice();
      if (turn) await turn;
    }
    const body = new Blob([`${JSON.stringify(manifest)}\n`, ...parts]);
    let broke: boolean;
    try {
      const answer = await env.fetch(uploadBatchUrl(env.token), { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
      broke = answer.status >= 500;
    } catch {
      broke = true;
    }
    // The batch broke off on the way: each of its files goes again alone. The host answers 404 to those it had
    // already taken (their items say how they went) and reads the ones it never reached.
    if (broke) waiting.push(...batch.map((b) => ({ streamId: b.streamId, offset: 0, alone: true })));
  }

  return {
    /** The host asked for these files (wire.ts `pull`). */
    pulled(pulls: Array<{ streamId: string; offset: number }>): void {
      waiting.push(...pulls);
      pump();
    },
  };
}

/** Whether the browser can still read the file (a folder, or a file gone since the drop, cannot). */
function readable(file: File, offset: number): Promise<boolean> {
  return file
    .slice(offset, offset + 1)
    .arrayBuffer()
    .then(
      () => true,
      () => false,
    );
}
