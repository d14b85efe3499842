// Reading a POST Object form (multipart/form-data) without buffering the file: the fields that precede the file
// are collected (bounded), then the file part is handed over as a stream while the parser keeps going, so the
// caller can still learn that something illegal followed the file before it commits anything.
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { CosError } from './cos-error';

/** All non-file fields together (names + values); COS forms carry a policy and a few dozen small fields. */
export const MAX_FORM_FIELD_BYTES = 64 * 1024;
const MAX_PARTS = 1000;
/** What is read and thrown away after an error so the client gets the response on a clean connection. */
const DISCARD_LIMIT_BYTES = 8 * 1024 * 1024;

export interface PostForm {
  /** Fields before the file, by lowercase name. */
  fields: Map<string, string>;
  /** The file part's filename ('' when it had none), for `${filename}` in the key. */
  filename: string;
  /** The file content. */
  file: Readable;
  /**
   * Settles once the whole body has been parsed: rejects when a field or a second file followed the file or the
   * body is malformed. The caller awaits it after the file ends and before it commits.
   */
  done: Promise<void>;
  /** Stops parsing after a failure and throws away a bounded rest of the body. */
  abandon(): Promise<void>;
}

const malformed = (message: string) => new CosError('MalformedPOSTRequest', message);

/**
 * Starts parsing and resolves when the file part begins (every field before it is known by then). Rejects when
 * the body is not a form, has no file, or breaks a limit before the file.
 */
export async function readPostForm(req: IncomingMessage): Promise<PostForm> {
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    await discardBody(req, DISCARD_LIMIT_BYTES);
    throw malformed('POST Object requires a multipart/form-data body (Content-Type: multipart/form-data; boundary=…).');
  }
  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: req.headers,
      defParamCharset: 'utf8', // browsers send UTF-8 filenames raw
      limits: { fieldNameSize: 1024, fieldSize: MAX_FORM_FIELD_BYTES + 1, parts: MAX_PARTS, headerPairs: 100 },
    });
  } catch {
    await discardBody(req, DISCARD_LIMIT_BYTES);
    // busboy refuses the Content-Type itself (no boundary); its wording is not for clients.
    throw malformed('The Content-Type of your POST request needs a multipart boundary (multipart/form-data; boundary=…).');
  }

  const fields = new Map<string, string>();
  let fieldBytes = 0;
  let fileSeen = false;
  let afterFile: CosError | undefined;

  let resolveForm!: (f: PostForm) => void;
  let rejectForm!: (e: unknown) => void;
  const formP = new Promise<PostForm>((res, rej) => ((resolveForm = res), (rejectForm = rej)));
  let resolveDone!: () => void;
  let rejectDone!: (e: unknown) => void;
  const done = new Promise<void>((res, rej) => ((resolveDone = res), (rejectDone = rej)));
  done.catch(() => undefined); // observed by the caller when it gets that far; never an unhandled rejection
  // Settling an already-settled promise is a no-op: whichever stage the failure belongs to gets it.
  const fail = (err: CosError) => {
    rejectForm(err);
    rejectDone(err);
  };

  const abandon = async () => {
    req.unpipe(bb);
    bb.destroy();
    await discardBody(req, DISCARD_LIMIT_BYTES);
  };

  bb.on('field', (name, value, info) => {
    if (fileSeen) {
      afterFile ??= malformed(`The file must be the last field of the form; the field "${name}" follows it.`);
      return;
    }
    fieldBytes += Buffer.byteLength(name) + Buffer.byteLength(value);
    if (info.nameTruncated || info.valueTruncated || fieldBytes > MAX_FORM_FIELD_BYTES) {
      fail(malformed(`The form fields before the file exceed ${MAX_FORM_FIELD_BYTES} bytes.`));
      return;
    }
    const lower = name.toLowerCase();
    if (fields.has(lower)) {
      // Two values for one name would let the policy check one and the write use the other.
      fail(malformed(`The form field "${name}" appears more than once.`));
      return;
    }
    fields.set(lower, value);
  });
  bb.on('file', (_name, stream, info) => {
    // Destroying the parser errors a file stream nobody may be reading yet (refused before the write began); an
    // unheard 'error' would crash the process. A reader still gets the error through its iterator.
    stream.on('error', () => undefined);
    if (fileSeen) {
      stream.resume();
      afterFile ??= new CosError('IncorrectNumberOfFilesInPostRequest', 'POST requires exactly one file upload per request.');
      return;
    }
    fileSeen = true;
    resolveForm({ fields, filename: info.filename ?? '', file: stream, done, abandon });
  });
  bb.on('partsLimit', () => fail(malformed(`The form has more than ${MAX_PARTS} parts.`)));
  bb.on('error', () => fail(malformed('The body of your POST request is not well-formed multipart/form-data.')));
  bb.on('close', () => {
    if (!fileSeen) fail(new CosError('IncorrectNumberOfFilesInPostRequest', 'POST requires exactly one file upload per request; the form has none.'));
    else if (afterFile) rejectDone(afterFile);
    else resolveDone();
  });
  // A client that goes away mid-body must not leave the parser (and the write reading from it) waiting forever.
  req.on('close', () => {
    if (!req.complete) bb.destroy(new Error('the client closed the connection before the body ended'));
  });
  req.pipe(bb);

  // Failures before the file: drop the parser and drain, then report.
  return formP.catch(async (err: unknown) => {
    await abandon();
    throw err;
  });
}

/**
 * Reads and discards what is left of a request body, up to `limit` bytes, so that an early error response
 * reaches a client that is still sending. Anything bigger is cut off by the server closing the connection.
 */
export function discardBody(req: IncomingMessage, limit: number): Promise<void> {
  if (req.complete || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const finish = () => {
      req.off('data', onData);
      req.off('end', finish);
      req.off('close', finish);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit) {
        req.pause();
        finish();
      }
    };
    req.on('data', onData);
    req.once('end', finish);
    req.once('close', finish);
    req.resume();
  });
}
