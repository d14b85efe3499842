// `coffer cp`: local → COS through the upload engine (SSE-COS unless a flag or Coffer's Settings say otherwise;
// every object verified by its SSE echo and CRC64 before it counts), COS → local through the download engine (temp
// file, CRC64 check, then rename). Folders need --recursive and keep their relative paths both ways. `-` is standard input or
// output, as in other cloud CLIs: `tar c photos | coffer cp - cos://b/photos.tar`, `coffer cp cos://b/k - | less`.
import { stat } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { downloadObject, downloadPrefix } from '../../../engine/download';
import { describeEmptyTarget, resolveTarget } from '../../../engine/object-target';
import { explainDownloadInterrupt, explainFolderDownloadInterrupt, explainStdoutInterrupt, explainUploadInterrupt, onInterrupt } from './cp-interrupt';
import { CosIntegrityError } from '../../../cos/client';
import { UploadEngine, type TransferResult, type UploadEngineOptions, type UploadTransfer } from '../../../engine/upload';
import { cofferPaths, ensureCofferHome } from '../../../vault/coffer-home';
import { allowOnly, isCosUrl, parseCosUrl, parseParallel, parsePartSize, type ParsedArgs } from '../args';
import type { Connection, RunContext } from '../connection';
import { ServiceError } from '../../../services/service-error';
import { cliUploadDefaults } from '../../../services/settings';
import { EXIT, UsageError, type ExitCode } from '../errors';
import { describeFailure, itemExitCode } from '../failure';
import { formatBytes, type Output } from '../output';
import { bucketDefaultJson, describeEncryption, encryptionJson, requireBucket, requireKey, sseCustomerKeyNamed, uploadEncryption, withSseCustomerKeyHint } from './common';
import { appliedJson, commonApplied, describeApplied, describePlannedEncryption, withSseRegionAdvice } from './applied-encryption';
import { parseContentType } from '../../../engine/upload/content-type';

function endpoints(args: ParsedArgs): { from: string; to: string } {
  if (args.positionals.length !== 2) throw new UsageError(`\`coffer cp\` takes a source and a destination (got ${args.positionals.length} arguments): coffer cp LOCAL cos://bucket/key, or coffer cp cos://bucket/key LOCAL.`);
  const [from, to] = args.positionals as [string, string];
  if (isCosUrl(from) === isCosUrl(to)) {
    throw new UsageError(isCosUrl(from) ? 'Copying between two cos:// addresses is not supported yet; download and upload instead.' : 'One side of `coffer cp` must be a cos://bucket/key address.');
  }
  return { from, to };
}

/** `-` in place of a local path: standard input (upload) or standard output (download). */
const STDIO = '-';

export function checkCp(args: ParsedArgs): void {
  const { from, to } = endpoints(args);
  if (isCosUrl(to)) {
    allowOnly('cp', args.flags, ['recursive', 'sse', 'kms-key-id', 'sse-c-key', 'part-size', 'parallel', 'content-type']);
    const { bucket, key } = parseCosUrl(to);
    requireBucket(bucket, 'cp');
    uploadTuning(args);
    contentTypeFlag(args);
    if (from === STDIO) {
      if (args.flags.recursive) throw new UsageError('Standard input is one object; --recursive does not apply to `coffer cp -`.');
      if (key === '' || key.endsWith('/')) throw new UsageError(`Standard input has no file name: give the object's full key, e.g. cos://${bucket}/${key}data.bin.`);
    }
  } else {
    allowOnly('cp', args.flags, ['recursive', 'sse-c-key']);
    const { bucket, key } = parseCosUrl(from);
    if (to === STDIO) {
      if (args.flags.recursive) throw new UsageError('Standard output takes one object; --recursive needs a folder as the destination.');
      if (args.flags.json) throw new UsageError('--json cannot be used when the object itself goes to standard output.');
    }
    if (args.flags.recursive) requireBucket(bucket, 'cp');
    else requireKey(bucket, key, 'cp');
  }
}

/**
 * `--content-type TYPE`: one type for every object uploaded, instead of the one guessed from each file's name (for
 * standard input, from the key's); checked here so a typo fails before anything is sent.
 */
function contentTypeFlag(args: ParsedArgs): string | undefined {
  const value = args.flags['content-type'];
  if (value === undefined) return undefined;
  const parsed = parseContentType(value);
  if (!parsed) throw new UsageError(`--content-type takes a media type written as type/subtype, e.g. image/jpeg or "text/plain; charset=utf-8", not "${value}".`);
  return parsed;
}

/** The engine options `--part-size` and `--parallel` set (the engine's defaults otherwise). */
function uploadTuning(args: ParsedArgs): UploadEngineOptions {
  const options: UploadEngineOptions = {};
  if (args.flags['part-size'] !== undefined) options.partSize = parsePartSize(args.flags['part-size']);
  if (args.flags.parallel !== undefined) options.partConcurrency = parseParallel(args.flags.parallel);
  return options;
}

export async function cp(ctx: RunContext, conn: Connection, args: ParsedArgs): Promise<ExitCode> {
  const { from, to } = endpoints(args);
  return isCosUrl(to) ? upload(ctx, conn, args, from, to) : download(ctx, conn, args, from, to);
}

async function upload(ctx: RunContext, conn: Connection, args: ParsedArgs, local: string, remote: string): Promise<ExitCode> {
  const { out } = ctx;
  const { bucket, key } = parseCosUrl(remote);
  const fromStdin = local === STDIO;
  const st = fromStdin
    ? undefined
    : await stat(local).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') throw new ServiceError('not-found', 'ENOENT', `${local} does not exist; check the path.`, { path: local });
        throw err;
      });
  if (st?.isDirectory() && !args.flags.recursive) throw new UsageError(`${local} is a folder; add --recursive to upload it with everything inside.`);
  if (st && !st.isDirectory() && !st.isFile()) throw new UsageError(`${local} is neither a file nor a folder.`);
  // What the flags leave open, Coffer's Settings decide: the default encryption, parts and files in flight.
  const defaults = await cliUploadDefaults(conn.home);
  if (defaults.problem) out.note(`coffer: ${defaults.problem}`);
  const encryption = await uploadEncryption(ctx, args.flags, defaults.defaultEncryption);
  const contentType = contentTypeFlag(args);
  await ensureCofferHome(conn.home);
  const engine = new UploadEngine(conn.client, cofferPaths(conn.home).journals, { ...defaults.tuning, ...uploadTuning(args) });
  // A missing bucket, or SSE asked for where the region has none, is said once here, before anything is read or
  // sent (a folder's plan makes the same check first).
  const checked = <T>(p: Promise<T>): Promise<T> =>
    p.catch((err: unknown) => {
      throw withSseRegionAdvice(err, 'cp');
    });
  if (!st?.isDirectory()) await checked(engine.checkDestination(bucket, encryption));

  let transfer: UploadTransfer;
  let planDoc: Record<string, unknown> | undefined;
  if (!st) {
    // Size unknown: the engine sends it in one PUT if it ends below the multipart threshold, else part by part
    // (buffered, partConcurrency parts at a time). A stream cannot be resumed after a crash, only retried per part.
    if (process.stdin.isTTY) out.note('coffer: reading what you type as the object; end it with Ctrl-D (Ctrl-Z, Enter on Windows).');
    transfer = engine.start({ bucket, key, stream: process.stdin, encryption, contentType });
  } else if (st.isDirectory()) {
    // `album/` (ending in a separator, as rsync reads it) uploads the folder's contents; `album` keeps its name.
    const contents = local.endsWith('/') || local.endsWith(sep);
    const plan = await checked(engine.plan([contents ? { path: local, contents } : local], { bucket, prefix: key, encryption, contentType }));
    // Left-out entries are named before anything moves (and in the JSON document), never dropped silently.
    for (const s of plan.skipped) out.note(`coffer: skipping ${s.path}: ${s.reason}`);
    if (plan.count === 0) {
      const why = plan.skipped.length > 0 ? ` that can be uploaded (${plan.skipped.length} skipped, see above)` : '';
      throw new ServiceError('not-found', 'NothingToUpload', `${local} holds no files${why}; nothing was uploaded.`, { path: local });
    }
    // The plan before anything moves: what, how much, how it will be encrypted, and what the bucket does by default.
    planDoc = { count: plan.count, bytes: plan.totalBytes, skipped: plan.skipped, bucketDefaultEncryption: bucketDefaultJson(plan.bucketDefaultEncryption) };
    out.note(
      `uploading ${plan.count} file${plan.count === 1 ? '' : 's'} (${formatBytes(plan.totalBytes)}) to cos://${bucket}/${plan.prefix} ` +
        describePlannedEncryption(encryption, plan.bucketDefaultEncryption),
    );
    transfer = engine.start(plan);
  } else {
    const objectKey = key === '' || key.endsWith('/') ? key + basename(local) : key;
    transfer = engine.start({ bucket, key: objectKey, path: local, encryption, contentType });
  }
  transfer.onProgress((e) => out.progress(`→ cos://${bucket}/${key}`, e.bytesDone, e.bytesTotal, { rate: e.rate, etaSeconds: e.etaSeconds }));
  // Resumed or restarted uploads say so as it happens (stderr), and in the JSON document.
  const notices: Array<{ key: string; message: string }> = [];
  transfer.events.on('notice', (n) => {
    notices.push({ key: n.key, message: n.message });
    out.note(`coffer: ${n.message}`);
  });
  // Ctrl-C says what is kept and how to resume (cp-interrupt.ts).
  const journalDir = cofferPaths(conn.home).journals;
  const stopGuard = onInterrupt(out, () => explainUploadInterrupt(transfer, { bucket, where: `cos://${bucket}/${key}`, journalDir, fromStdin }));
  const result: TransferResult = await transfer.done.finally(stopGuard);
  out.clearBar();
  const items = transfer.snapshot().items;
  const sources = new Map(items.map((i) => [i.index, i]));
  // Each object's encryption is what the server's answer reports, not what was asked: with --sse none, a bucket's
  // default encryption still encrypts it, and that is said.
  for (const item of sources.values()) {
    if (item.state === 'completed') out.line(`uploaded cos://${bucket}/${item.key} (${item.bytesTotal} bytes, ${item.appliedEncryption ? describeApplied(item.appliedEncryption) : describeEncryption(encryption)})`);
    else out.error(`could not upload cos://${bucket}/${item.key}: ${item.error ?? item.state}`);
  }
  const applied = commonApplied(result.completed.map((c) => c.appliedEncryption));
  out.document({
    operation: 'upload',
    bucket,
    // What the objects got (when they all got the same; each object says its own), and what was asked for.
    ...(applied ? { encryption: appliedJson(applied) } : {}),
    requestedEncryption: encryptionJson(encryption),
    state: result.state,
    objects: items.map((i) => ({
      key: i.key,
      size: i.bytesTotal,
      state: i.state,
      ...(i.appliedEncryption ? { encryption: appliedJson(i.appliedEncryption) } : {}),
      ...(i.error ? { error: i.error } : {}),
    })),
    failed: result.failed,
    notices,
    ...(planDoc ? { plan: planDoc } : {}),
  });
  return worstOf(await Promise.all(result.failed.map((f) => itemExitCode(f.code, f.error))), result.state === 'completed' ? EXIT.OK : EXIT.FAILED);
}

function worstOf(codes: ExitCode[], fallback: ExitCode): ExitCode {
  if (codes.length === 0) return fallback;
  return codes.includes(EXIT.INTEGRITY) ? EXIT.INTEGRITY : codes[0]!;
}

async function download(ctx: RunContext, conn: Connection, args: ParsedArgs, remote: string, local: string): Promise<ExitCode> {
  const { out } = ctx;
  const { bucket, key } = parseCosUrl(remote);
  const sseCustomerKey = args.flags['sse-c-key'] ? await sseCustomerKeyNamed(ctx, args.flags['sse-c-key']) : undefined;

  if (args.flags.recursive) {
    const target = resolveTarget(key, true);
    let filesDone = 0;
    const stopGuard = onInterrupt(out, () => explainFolderDownloadInterrupt(`cos://${bucket}/${key}`, local, filesDone));
    const res = await downloadPrefix(conn.client, {
      bucket,
      target,
      destDir: local,
      sseCustomerKey,
      onProgress: (p) => {
        filesDone = p.filesDone;
        out.progress(`← cos://${bucket}/${key}`, p.receivedBytes, undefined, undefined, ` (${p.filesDone} files done)`);
      },
    }).finally(stopGuard);
    out.clearBar();
    for (const d of res.downloaded) out.line(`downloaded cos://${bucket}/${d.key} → ${d.dest} (${d.size} bytes${d.crc64Verified ? ', CRC64 verified' : ''})`);
    for (const r of res.refused) out.error(`${r.message} (${r.reason}).`);
    const failures = await Promise.all(res.failed.map(async (f) => ({ key: f.key, ...(await describeFailure(withSseCustomerKeyHint(f.error, args.flags['sse-c-key']))) })));
    for (const f of failures) out.error(`could not download cos://${bucket}/${f.key}: ${f.message}`);
    out.document({
      operation: 'download',
      bucket,
      prefix: target.prefix,
      ...(target.exactKey !== undefined ? { exactKey: target.exactKey } : {}),
      destDir: resolve(local),
      objects: res.downloaded.map((d) => ({ key: d.key, dest: d.dest, size: d.size, etag: d.etag, crc64Verified: d.crc64Verified, encryption: encryptionJson(d.encryption) })),
      refused: res.refused.map((r) => ({ key: r.key, reason: r.reason })),
      failed: failures.map((f) => ({ key: f.key, error: f.message })),
    });
    if (res.downloaded.length === 0 && res.failed.length === 0 && res.refused.length === 0 && res.folders.length === 0) {
      throw new ServiceError('not-found', 'NothingToDownload', `Nothing to download: ${describeEmptyTarget(bucket, target)}.`, { bucket });
    }
    if (failures.length > 0) return worstOf(failures.map((f) => f.exitCode), EXIT.FAILED);
    return res.refused.length > 0 ? EXIT.FAILED : EXIT.OK;
  }

  if (local === STDIO) return downloadToStdout(out, conn, bucket, key, sseCustomerKey, args.flags['sse-c-key']);

  let dest = local;
  const isDir = local.endsWith('/') || local.endsWith(sep) || (await stat(local).then((s) => s.isDirectory(), () => false));
  if (isDir) dest = join(local, basename(key));
  let saidResumed = false;
  const stopGuard = onInterrupt(out, () => explainDownloadInterrupt(bucket, key, dest));
  const res = await downloadObject(conn.client, {
    bucket,
    key,
    dest,
    sseCustomerKey,
    onProgress: (p) => {
      if (p.resumedFrom > 0 && !saidResumed) {
        saidResumed = true;
        out.note(`coffer: resuming the interrupted download of cos://${bucket}/${key} (${formatBytes(p.resumedFrom)} were already here)`);
      }
      out.progress(`← cos://${bucket}/${key}`, p.receivedBytes, p.totalBytes);
    },
  })
    .catch((err: unknown) => {
      throw withSseCustomerKeyHint(err, args.flags['sse-c-key']);
    })
    .finally(stopGuard);
  out.clearBar();
  out.document({ operation: 'download', bucket, key, dest: res.dest, size: res.size, etag: res.etag, crc64Verified: res.crc64Verified, resumedFrom: res.resumedFrom, encryption: encryptionJson(res.encryption) });
  out.line(`downloaded cos://${bucket}/${key} → ${res.dest} (${res.size} bytes${res.crc64Verified ? ', CRC64 verified' : ''}; stored with ${describeEncryption(res.encryption)})`);
  return EXIT.OK;
}

/**
 * Streams one object to standard output. Its CRC64 is checked as the last bytes arrive; by then they have been
 * written, so a mismatch cannot be taken back: the run fails (exit 5) and says to discard the output. A reader that
 * stops early (`| head`) ends the download quietly. Nothing else goes to stdout; progress and errors go to stderr.
 */
async function downloadToStdout(out: Output, conn: Connection, bucket: string, key: string, sseCustomerKey: Buffer | undefined, keyName: string | undefined): Promise<ExitCode> {
  const res = await conn.client.getObject(bucket, key, { sseCustomerKey }).catch((err: unknown) => {
    throw withSseCustomerKeyHint(err, keyName);
  });
  let sent = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      sent += chunk.length;
      out.progress(`← cos://${bucket}/${key}`, sent, res.size);
      cb(null, chunk);
    },
  });
  const stopGuard = onInterrupt(out, () => explainStdoutInterrupt(bucket, key, sent));
  try {
    await pipeline(res.body, meter, process.stdout);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return EXIT.OK;
    if (err instanceof CosIntegrityError) {
      throw new ServiceError('integrity', 'Integrity', `the ${sent} bytes written to standard output do not match the CRC64 of cos://${bucket}/${key}; discard them.`, { bucket, key });
    }
    throw err;
  } finally {
    stopGuard();
    out.clearBar();
  }
  return EXIT.OK;
}
