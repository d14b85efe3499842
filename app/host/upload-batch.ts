// Many small files in one request (browser mode): `POST /upload-batch?token=…`, whose body is a first line holding
// the manifest ([[streamId, size], …], wire.ts BatchManifest) and then the files' bytes back to back. A drop of
// thousands of small files is then a few hundred requests rather than one per file: a browser opens at most 6
// connections to an origin, and each request costs the page far more than the bytes of a small file. The files
// are fed one after another into their streams with the same backpressure as a single PUT (the request is read no
// faster than the engine takes the bytes), so nothing is held whole. A file Coffer is not waiting for, or whose
// item already failed, is read and dropped, and the files after it still arrive; a file the body never reached
// stays waiting, so the page can still send it alone. Each file's fate is its job item's; the answer sums up.
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { BATCH_FILE_MAX_BYTES, BatchManifest, MAX_BATCH_FILES, type AppError } from '../../shared/contract';
import type { StreamRegistry } from '../services/stream-registry';

/** The manifest line: a stream id (at most 64 characters) and a size per file, with room to spare. */
const MAX_MANIFEST_BYTES = MAX_BATCH_FILES * 100;

export interface BatchAnswer {
  status: 204 | 400 | 404 | 409;
  error?: AppError;
}

const badBatch = (message: string): BatchAnswer => ({ status: 400, error: { kind: 'usage', code: 'BadBatch', message, details: {} } });

/** Where one file's bytes go: its stream, or nowhere (a file Coffer is not waiting for). */
interface Sink {
  write(bytes: Buffer): Promise<void> | undefined;
  end(): void;
  broke(): void;
}

const nowhere: Sink = { write: () => undefined, end: () => undefined, broke: () => undefined };

/** Reads a whole batch request (every file fed or dropped) and says how it went. */
export async function receiveBatch(streams: StreamRegistry, req: IncomingMessage): Promise<BatchAnswer> {
  const body = req[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const read = async (): Promise<Buffer | undefined> => {
    const next = await body.next();
    return next.done ? undefined : next.value;
  };

  let head: Buffer = Buffer.alloc(0);
  let newline = -1;
  while (newline < 0) {
    const chunk = await read().catch(() => undefined);
    if (!chunk) return badBatch('The upload batch ended before the end of its first line, the list of its files.');
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    newline = head.indexOf(0x0a);
    if (newline < 0 && head.length > MAX_MANIFEST_BYTES) return badBatch(`The first line of an upload batch, the list of its files, is at most ${MAX_MANIFEST_BYTES} bytes.`);
  }
  let manifest: BatchManifest;
  try {
    manifest = BatchManifest.parse(JSON.parse(head.subarray(0, newline).toString('utf8')));
  } catch {
    return badBatch(`The first line of an upload batch lists its files as JSON: [["<stream id>", <size>], …], 1 to ${MAX_BATCH_FILES} of them.`);
  }

  const fed: Array<Promise<void>> = [];
  const unknown: string[] = [];
  const failed: AppError[] = [];

  /** Attaches the stream of `streamId` and starts feeding it (all of it, when `whole` holds it); refused files are read and dropped. */
  const open = (streamId: string, size: number, whole?: Buffer): Sink => {
    const entry = streams.attach(streamId);
    if (!entry) {
      unknown.push(streamId);
      return nowhere;
    }
    const refuse = (error: AppError) => {
      streams.settleItem(entry.jobId, entry.key, { ok: false, error });
      failed.push(error);
      return nowhere;
    };
    if (entry.stream.offset !== 0) return refuse({ kind: 'conflict', code: 'OffsetRefused', message: `Coffer asked for this file from byte ${entry.stream.offset}; send it alone with PUT, not in a batch.`, details: { key: entry.key } });
    if (size !== entry.size) return refuse({ kind: 'usage', code: 'SizeMismatch', message: `The page sent ${size} bytes for a file announced as ${entry.size} bytes; drop it again.`, details: { key: entry.key } });
    if (whole) {
      entry.stream.feedWhole(whole);
      return nowhere;
    }
    const part = new PassThrough({ highWaterMark: 64 * 1024 });
    fed.push(
      entry.stream.feed(part, size).then(
        () => undefined,
        (err: Error) => void failed.push({ kind: 'failed', code: 'BodyBroken', message: err.message, details: { key: entry.key } }),
      ),
    );
    return {
      // The request is read no faster than the engine takes the bytes (feed pauses `part` while the stream is full).
      write: (bytes) => (part.write(bytes) ? undefined : once(part, 'drain').then(() => undefined)),
      end: () => part.end(),
      broke: () => part.destroy(new Error('the batch ended early')),
    };
  };

  let rest: Buffer = head.subarray(newline + 1);
  for (const [streamId, size] of manifest) {
    // Most small files are wholly in the chunk already read: they go straight to their stream, with no pipe and its
    // listeners per file.
    if (rest.length >= size && size <= BATCH_FILE_MAX_BYTES) {
      const whole = rest.subarray(0, size);
      rest = rest.subarray(size);
      open(streamId, size, whole);
      continue;
    }
    const sink = open(streamId, size);
    let left = size;
    while (left > 0) {
      if (rest.length === 0) {
        // The page went away (or the body was shorter than its list): the file being read fails its item.
        const chunk = await read().catch(() => undefined);
        if (!chunk) {
          sink.broke();
          await Promise.all(fed);
          return badBatch('The upload batch ended before the last file its first line lists; the files it did not reach were not sent.');
        }
        rest = chunk;
      }
      const take = rest.subarray(0, left);
      rest = rest.subarray(take.length);
      left -= take.length;
      const full = sink.write(take);
      if (full) await full;
    }
    sink.end();
  }
  await Promise.all(fed);
  if (rest.length > 0 || (await read().catch(() => undefined))) return badBatch('The upload batch holds more bytes than the sizes its first line lists.');

  if (unknown.length > 0) {
    const n = unknown.length === 1 ? 'one file' : `${unknown.length} files`;
    return { status: 404, error: { kind: 'not-found', code: 'NoSuchStream', message: `Coffer is not waiting for ${n} of this batch (the upload finished, was cancelled, or the file was already sent); the other files were taken.`, details: {} } };
  }
  const first = failed[0];
  if (first) return { status: first.kind === 'conflict' ? 409 : 400, error: failed.length === 1 ? first : { ...first, message: `${failed.length} files of this batch failed; the first: ${first.message}` } };
  return { status: 204 };
}
