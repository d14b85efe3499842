// `coffer uploads ls|abort`: multipart uploads that were started and never finished. Their parts stay on the
// server (and are billed) until aborted; `ls` shows them with what they hold, `abort` removes one, or all older
// than an age (after the same confirmation as `rm --recursive`, confirm.ts). The listing and the aborts, with the
// resume journals of this machine, are app/services/incomplete-uploads.ts.
import { olderThan, tallyIncompleteUploads } from '../../../engine/incomplete-uploads';
import { describeTarget, resolveTarget, type ObjectTarget } from '../../../engine/object-target';
import { abortAllIncomplete, abortIncomplete, listIncomplete, type IncompleteUpload } from '../../../services/incomplete-uploads';
import { ServiceError } from '../../../services/service-error';
import { allowOnly, parseCosUrl, type ParsedArgs } from '../args';
import type { Connection, RunContext } from '../connection';
import { EXIT, failureFrom, UsageError, type ExitCode, type Failure } from '../errors';
import { formatBytes } from '../output';
import { confirmDestruction, plural } from './confirm';
import { requireBucket } from './common';

const SUBCOMMANDS = ['ls', 'abort'] as const;

function parts(args: ParsedArgs): { sub: (typeof SUBCOMMANDS)[number]; address: string } {
  const [sub, address, ...rest] = args.positionals;
  if (!SUBCOMMANDS.includes(sub as (typeof SUBCOMMANDS)[number])) {
    throw new UsageError(`\`coffer uploads\` takes ls or abort${sub === undefined ? '' : ` (not "${sub}")`}: coffer uploads ls cos://bucket[/prefix], coffer uploads abort cos://bucket/key.`);
  }
  if (address === undefined || rest.length > 0) throw new UsageError(`\`coffer uploads ${sub}\` takes one cos:// address (got ${args.positionals.length - 1}).`);
  return { sub: sub as (typeof SUBCOMMANDS)[number], address };
}

const AGE_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 7 * 86400 };

/** `--older-than 7d` → milliseconds (units s, m, h, d, w; `0s` means every upload). */
export function parseAge(text: string): number {
  const m = /^(\d{1,6})([smhdw])$/.exec(text.trim());
  if (!m) throw new UsageError(`--older-than takes an age with a unit s, m, h, d or w (e.g. 7d, 12h), not "${text}".`);
  return Number(m[1]) * AGE_UNITS[m[2]!]! * 1000;
}

export function checkUploads(args: ParsedArgs): void {
  const { sub, address } = parts(args);
  const { bucket, key } = parseCosUrl(address);
  if (sub === 'ls') {
    allowOnly('uploads ls', args.flags, []);
    requireBucket(bucket, 'uploads ls');
    return;
  }
  allowOnly('uploads abort', args.flags, ['upload-id', 'older-than', 'yes', 'dry-run']);
  requireBucket(bucket, 'uploads abort');
  if (args.flags['older-than'] === undefined) {
    if (!key || key.endsWith('/')) {
      throw new UsageError(`\`coffer uploads abort\` needs an object key (cos://${bucket}/path/to/object), or --older-than AGE to abort every upload under a folder.`);
    }
    return;
  }
  if (args.flags['upload-id'] !== undefined) throw new UsageError('--upload-id names one upload; --older-than aborts every one older than an age. Give one of them.');
  parseAge(args.flags['older-than']);
}

export async function uploads(ctx: RunContext, conn: Connection, args: ParsedArgs): Promise<ExitCode> {
  const { sub, address } = parts(args);
  const { bucket, key } = parseCosUrl(address);
  if (sub === 'ls') return list(ctx, conn, bucket, resolveTarget(key, true));
  if (args.flags['older-than'] !== undefined) return abortOlder(ctx, conn, args, bucket, resolveTarget(key, true));
  return abortOne(ctx, conn, args, bucket, key);
}

function uploadJson(u: IncompleteUpload): Record<string, unknown> {
  return {
    key: u.key,
    uploadId: u.uploadId,
    initiated: u.initiated?.toISOString() ?? null,
    parts: u.parts,
    bytes: u.bytes,
    ...(u.partsError ? { partsError: u.partsError } : {}),
    ...(u.resumableFrom ? { resumableFrom: u.resumableFrom } : {}),
  };
}

function targetJson(bucket: string, target: ObjectTarget): Record<string, unknown> {
  return { bucket, ...(target.exactKey !== undefined ? { exactKey: target.exactKey } : {}), ...(target.prefix !== undefined ? { prefix: target.prefix } : {}) };
}

const started = (u: IncompleteUpload) => u.initiated?.toISOString() ?? 'unknown';

async function list(ctx: RunContext, conn: Connection, bucket: string, target: ObjectTarget): Promise<ExitCode> {
  const { out } = ctx;
  const found = await listIncomplete(conn.client, conn.home, bucket, target);
  const total = tallyIncompleteUploads(found);
  for (const u of found) {
    const held = u.partsError ? `parts unknown (${u.partsError})` : `${plural(u.parts, 'part')}, ${formatBytes(u.bytes)}`;
    out.line(`${started(u).padEnd(24)} ${held.padStart(20)}  ${u.uploadId}  ${u.key}`);
    if (u.resumableFrom) out.line(`${' '.repeat(26)}resumable here: the same \`coffer cp\` of ${u.resumableFrom} continues it`);
  }
  const where = describeTarget(bucket, target);
  if (found.length === 0) out.line(`no incomplete uploads ${where}`);
  else out.line(`${plural(total.uploads, 'incomplete upload')} ${where} ${total.uploads === 1 ? 'holds' : 'hold'} ${plural(total.parts, 'part')} (${formatBytes(total.bytes)}); \`coffer uploads abort\` removes them`);
  out.document({ ...targetJson(bucket, target), uploads: found.map(uploadJson), total });
  const unknown = found.filter((u) => u.partsError).length;
  if (unknown === 0) return EXIT.OK;
  out.error(`the parts of ${plural(unknown, 'upload')} could not be listed (shown as "parts unknown").`);
  return EXIT.FAILED;
}

function aborted(u: IncompleteUpload, res: { aborted: boolean; resumeForgotten?: string }): string {
  const what = `the incomplete upload ${u.uploadId} of cos://${u.bucket}/${u.key}`;
  const text = res.aborted ? `aborted ${what} (${plural(u.parts, 'part')}, ${formatBytes(u.bytes)} no longer held)` : `${what} was already gone`;
  return res.resumeForgotten ? `${text}; the resume journal for ${res.resumeForgotten} was removed` : text;
}

async function abortOne(ctx: RunContext, conn: Connection, args: ParsedArgs, bucket: string, key: string): Promise<ExitCode> {
  const { out } = ctx;
  const found = await listIncomplete(conn.client, conn.home, bucket, { exactKey: key });
  const id = args.flags['upload-id'];
  const at = `cos://${bucket}/${key}`;
  let upload: IncompleteUpload | undefined;
  if (id !== undefined) {
    upload = found.find((u) => u.uploadId === id);
    if (!upload) throw new ServiceError('not-found', 'NoSuchUpload', `${at} has no incomplete upload with ID ${id}; \`coffer uploads ls ${at}\` lists its uploads.`, { bucket, key, uploadId: id });
  } else if (found.length === 0) {
    throw new ServiceError('not-found', 'NoSuchUpload', `${at} has no incomplete upload; \`coffer uploads ls cos://${bucket}\` lists the bucket's.`, { bucket, key });
  } else if (found.length > 1) {
    const ids = found.map((u) => `${u.uploadId} (started ${started(u)})`).join(', ');
    throw new UsageError(`${at} has ${found.length} incomplete uploads: ${ids}. Name one with --upload-id ID.`);
  } else {
    upload = found[0];
  }
  const u = upload!;
  if (args.flags['dry-run']) {
    out.line(`would abort the incomplete upload ${u.uploadId} of ${at} (${plural(u.parts, 'part')}, ${formatBytes(u.bytes)})`);
    out.document({ ...targetJson(bucket, { exactKey: key }), dryRun: true, wouldAbort: [uploadJson(u)], aborted: [], errors: [] });
    return EXIT.OK;
  }
  const res = await abortIncomplete(conn.client, conn.home, u);
  out.line(aborted(u, res));
  out.document({ ...targetJson(bucket, { exactKey: key }), aborted: [{ ...uploadJson(u), wasPresent: res.aborted, resumeForgotten: res.resumeForgotten ?? null }], errors: [] });
  return EXIT.OK;
}

async function abortOlder(ctx: RunContext, conn: Connection, args: ParsedArgs, bucket: string, target: ObjectTarget): Promise<ExitCode> {
  const { out } = ctx;
  const age = args.flags['older-than']!;
  const old = olderThan(await listIncomplete(conn.client, conn.home, bucket, target), parseAge(age));
  const where = `${describeTarget(bucket, target)} started more than ${age} ago`;
  if (old.length === 0) {
    out.line(`no incomplete uploads ${where}; nothing to abort`);
    out.document({ ...targetJson(bucket, target), olderThan: age, aborted: [], errors: [] });
    return EXIT.OK;
  }
  const total = tallyIncompleteUploads(old);
  const decision = await confirmDestruction(out, args.flags, {
    verb: 'abort',
    noun: 'incomplete upload',
    count: old.length,
    bytes: total.bytes,
    where,
    names: old.map((u) => `cos://${bucket}/${u.key} (started ${started(u)}, ${plural(u.parts, 'part')})`),
    done: 'aborted',
  });
  if (decision === 'dry-run') {
    for (const u of old) out.line(`would abort the incomplete upload ${u.uploadId} of cos://${bucket}/${u.key} (started ${started(u)}, ${plural(u.parts, 'part')}, ${formatBytes(u.bytes)})`);
    out.document({ ...targetJson(bucket, target), olderThan: age, dryRun: true, wouldAbort: old.map(uploadJson), aborted: [], errors: [] });
    return EXIT.OK;
  }
  const done: Array<Record<string, unknown>> = [];
  const errors: Array<{ key: string; uploadId: string; code: string; message: string }> = [];
  let firstError: Failure | undefined;
  for (const r of await abortAllIncomplete(conn.client, conn.home, old)) {
    const u = r.upload;
    if ('outcome' in r) {
      out.line(aborted(u, r.outcome));
      done.push({ ...uploadJson(u), wasPresent: r.outcome.aborted, resumeForgotten: r.outcome.resumeForgotten ?? null });
    } else {
      const f = failureFrom(r.error);
      firstError ??= f;
      out.error(`could not abort the incomplete upload ${u.uploadId} of cos://${bucket}/${u.key}: ${f.message}`);
      errors.push({ key: u.key, uploadId: u.uploadId, code: f.code, message: f.message });
    }
  }
  out.document({ ...targetJson(bucket, target), olderThan: age, aborted: done, errors });
  return firstError ? firstError.exitCode : EXIT.OK;
}
