// `coffer ls`, `head`, `share`, `rm` of objects: one request or one listing each (`ls --encryption` adds a HEAD per
// object). The bucket-level forms (`ls` with no bucket, `head cos://bucket`) and `mb` are in buckets.ts. `ls` and
// `rm --recursive` read a name as a folder (engine/object-target.ts): `cos://b/pics` is the object `pics` and what
// is under `pics/`, never `pics2/…`; a recursive delete says what it will delete and asks first (confirm.ts).
import { allowOnly, parseCosUrl, parseDuration, type ParsedArgs } from '../args';
import type { Connection, RunContext } from '../connection';
import { EXIT, UsageError, type ExitCode } from '../errors';
import { objectNotFound, ServiceError } from '../../../services/errors';
import { headBucket, listBuckets } from './buckets';
import { EncryptionStatusService, unrecognizedEncryption } from '../../../engine/encryption-status';
import { EncryptionTally } from '../../../services/encryption-tally';
import { ENCRYPTION_LABEL, statusJson, tallySummary } from './encryption-audit';
import { formatBytes } from '../output';
import { describeEmptyTarget, describeTarget, findObject, listTarget, resolveTarget } from '../../../engine/object-target';
import type { ObjectSummary } from '../../../cos/client';
import { confirmDestruction } from './confirm';
import { describeEncryption, encryptionJson, onePositional, requireBucket, requireKey, sseCustomerKeyNamed, withSseCustomerKeyHint } from './common';

export function checkLs(args: ParsedArgs): void {
  allowOnly('ls', args.flags, ['recursive', 'encryption']);
  const target = onePositional(args, 'ls', true);
  const bucket = target === undefined ? '' : parseCosUrl(target).bucket;
  if (args.flags.encryption && !bucket && args.flags.recursive) throw new UsageError('`coffer ls --encryption --recursive` lists objects: give a cos://bucket[/prefix].');
}

export async function ls(ctx: RunContext, conn: Connection, args: ParsedArgs): Promise<ExitCode> {
  const { bucket, key } = parseCosUrl(onePositional(args, 'ls', true) ?? 'cos://');
  const { out } = ctx;
  if (!bucket) return listBuckets(ctx, conn, args.flags.encryption === true);
  const recursive = Boolean(args.flags.recursive);
  // The address names a folder with or without -r; -r lists everything under it instead of one level.
  const target = resolveTarget(key, true);
  const prefix = target.prefix ?? '';
  const exact = target.exactKey !== undefined ? { exactKey: target.exactKey } : {};
  // --encryption: one HEAD per object (the listing does not say), at most 16 in flight, rows printed in listing order.
  const statuses = args.flags.encryption ? new EncryptionStatusService(conn.client, { concurrency: 16 }) : undefined;
  const audit = new EncryptionTally();
  const prefixes: string[] = [];
  const objects: ListedObject[] = [];
  for await (const page of listTarget(conn.client, bucket, target, { delimiter: recursive ? undefined : '/' })) {
    for (const p of page.commonPrefixes) {
      prefixes.push(p);
      out.line(`${'PRE'.padStart(statuses ? 45 : 36)} ${p}`);
    }
    // All of the page's HEADs are queued at once; each row is printed as soon as it and the rows before it are known,
    // so a long page streams out instead of appearing after its last HEAD.
    const pending = statuses ? page.contents.map((o) => statuses.get(bucket, o.key, { etag: o.etag, lastModified: o.lastModified })) : [];
    for (const [i, o] of page.contents.entries()) {
      const row: ListedObject = { key: o.key, size: o.size, lastModified: o.lastModified, etag: o.etag };
      const cells = [o.lastModified.padEnd(24), String(o.size).padStart(11)];
      const status = await pending[i];
      if (status) {
        row.encryption = statusJson(status);
        audit.add(status);
        cells.push(ENCRYPTION_LABEL[status.mode].padEnd(8));
      }
      objects.push(row);
      out.line(`${cells.join(' ')} ${o.key}`);
    }
  }
  if (!statuses) {
    out.document({ bucket, prefix, ...exact, recursive, prefixes, objects });
    return EXIT.OK;
  }
  out.line(tallySummary(audit));
  out.document({ bucket, prefix, ...exact, recursive, prefixes, objects, encryption: audit.counts });
  if (audit.counts.unknown === 0) return EXIT.OK;
  out.error(`the encryption of ${audit.counts.unknown} object(s) could not be read (shown as "unknown"); run \`coffer head\` on one to see why.`);
  return EXIT.FAILED;
}

interface ListedObject {
  key: string;
  size: number;
  lastModified: string;
  etag: string;
  encryption?: Record<string, unknown>;
}

export function checkHead(args: ParsedArgs): void {
  allowOnly('head', args.flags, ['sse-c-key']);
  const { bucket, key } = parseCosUrl(onePositional(args, 'head')!);
  requireBucket(bucket, 'head');
  if (key === '' && args.flags['sse-c-key']) throw new UsageError('--sse-c-key goes with an object: coffer head cos://bucket/key --sse-c-key NAME.');
}

export async function head(ctx: RunContext, conn: Connection, args: ParsedArgs): Promise<ExitCode> {
  const { bucket, key } = parseCosUrl(onePositional(args, 'head')!);
  if (key === '') return headBucket(ctx, conn, bucket);
  const sseCustomerKey = args.flags['sse-c-key'] ? await sseCustomerKeyNamed(ctx, args.flags['sse-c-key']) : undefined;
  const info = await conn.client.headObject(bucket, key, { sseCustomerKey }).catch((err: unknown) => {
    throw withSseCustomerKeyHint(err, args.flags['sse-c-key']);
  });
  const doc = {
    bucket,
    key,
    size: info.size,
    etag: info.etag,
    lastModified: info.lastModified?.toISOString(),
    contentType: info.contentType,
    metadata: info.metadata,
    encryption: encryptionJson(info.encryption),
    // An algorithm this client does not know is still the server's encryption, never "not encrypted".
    encrypted: info.encryption.mode !== 'none' || unrecognizedEncryption(info) !== undefined,
    crc64: info.crc64?.toString(),
    storageClass: info.storageClass,
  };
  const { out } = ctx;
  out.document(doc);
  out.line(`cos://${bucket}/${key}`);
  out.line(`  Encryption:    ${describeEncryption(info.encryption)}`);
  out.line(`  Size:          ${info.size} bytes (${formatBytes(info.size)})`);
  out.line(`  ETag:          ${info.etag}`);
  out.line(`  Last modified: ${doc.lastModified ?? 'unknown'}`);
  out.line(`  Content type:  ${info.contentType ?? 'unknown'}`);
  if (doc.crc64) out.line(`  CRC64:         ${doc.crc64}`);
  if (info.storageClass) out.line(`  Storage class: ${info.storageClass}`);
  const meta = Object.entries(info.metadata);
  out.line(`  Metadata:      ${meta.length === 0 ? '(none)' : ''}`);
  for (const [k, v] of meta) out.line(`    ${k}: ${v}`);
  return EXIT.OK;
}

export function checkShare(args: ParsedArgs): void {
  allowOnly('share', args.flags, ['expires']);
  const { bucket, key } = parseCosUrl(onePositional(args, 'share')!);
  requireKey(bucket, key, 'share');
  parseDuration(args.flags.expires, '1h');
}

export async function share(ctx: RunContext, conn: Connection, args: ParsedArgs): Promise<ExitCode> {
  const { bucket, key } = parseCosUrl(onePositional(args, 'share')!);
  const seconds = parseDuration(args.flags.expires, '1h');
  // The app's share links (services/share-links.ts): the object must be there, and one that needs its SSE-C key is
  // said so, since the URL alone opens nothing.
  const { shareLink } = await import('../../../services/share-links');
  const link = await shareLink(conn.client, { bucket, key, region: conn.client.region, expiresSeconds: seconds }, { origin: conn.shareOrigin });
  const { url, expiresAt } = link;
  const customerKeyed = link.needsSseCKey;
  ctx.out.document({ bucket, key, url, expiresSeconds: seconds, expiresAt });
  ctx.out.line(url);
  if (!ctx.out.json) ctx.out.note(`Anyone with this URL can download cos://${bucket}/${key} until ${expiresAt}.`);
  if (customerKeyed) {
    // Said even with --json: the URL alone opens nothing, and whoever receives it would only see an error.
    ctx.out.note(
      `coffer: cos://${bucket}/${key} is encrypted with a customer key (SSE-C): the URL works only together with that key, sent in the ` +
        'x-cos-server-side-encryption-customer-* headers; a browser cannot open it.',
    );
  }
  if (conn.shareOrigin) ctx.out.note(`coffer: the embedded store runs only while a command needs it; the URL works while \`npm run store\` serves it at ${conn.shareOrigin}.`);
  return EXIT.OK;
}

export function checkRm(args: ParsedArgs): void {
  allowOnly('rm', args.flags, ['recursive', 'yes', 'dry-run']);
  const { bucket, key } = parseCosUrl(onePositional(args, 'rm')!);
  if (args.flags.recursive) requireBucket(bucket, 'rm');
  else requireKey(bucket, key, 'rm');
}

export async function rm(ctx: RunContext, conn: Connection, args: ParsedArgs): Promise<ExitCode> {
  const { bucket, key } = parseCosUrl(onePositional(args, 'rm')!);
  const { out } = ctx;
  if (!args.flags.recursive) {
    // One object named in full: deleted without a question (--yes changes nothing), or only shown with --dry-run.
    const found = await findObject(conn.client, bucket, key);
    if (!found) throw objectNotFound(bucket, key);
    if (args.flags['dry-run']) {
      out.document({ bucket, dryRun: true, wouldDelete: [{ key, size: found.size }], bytes: found.size, deleted: [], errors: [] });
      out.line(`would delete cos://${bucket}/${key} (${formatBytes(found.size)})`);
      return EXIT.OK;
    }
    await conn.client.deleteObject(bucket, key);
    out.document({ bucket, deleted: [key], errors: [] });
    out.line(`deleted cos://${bucket}/${key}`);
    return EXIT.OK;
  }
  const target = resolveTarget(key, true);
  const where = { bucket, ...(target.exactKey !== undefined ? { exactKey: target.exactKey } : {}), prefix: target.prefix };
  // Collect first: deleting while paging would move the markers under our feet, and the count comes before the question.
  const found: ObjectSummary[] = [];
  for await (const page of listTarget(conn.client, bucket, target)) found.push(...page.contents);
  if (found.length === 0) throw new ServiceError('not-found', 'NothingToDelete', `Nothing to delete: ${describeEmptyTarget(bucket, target)}.`, { bucket });
  const bytes = found.reduce((sum, o) => sum + o.size, 0);
  const decision = await confirmDestruction(out, args.flags, {
    verb: 'delete',
    noun: 'object',
    count: found.length,
    bytes,
    where: describeTarget(bucket, target),
    names: found.map((o) => `cos://${bucket}/${o.key}`),
    done: 'deleted',
  });
  if (decision === 'dry-run') {
    for (const o of found) out.line(`would delete cos://${bucket}/${o.key} (${formatBytes(o.size)})`);
    out.document({ ...where, dryRun: true, wouldDelete: found.map((o) => ({ key: o.key, size: o.size })), bytes, deleted: [], errors: [] });
    return EXIT.OK;
  }
  const keys = found.map((o) => o.key);
  const deleted: string[] = [];
  const errors: Array<{ key: string; code: string; message: string }> = [];
  for (let i = 0; i < keys.length; i += 1000) {
    const res = await conn.client.deleteObjects(bucket, keys.slice(i, i + 1000));
    deleted.push(...res.deleted);
    errors.push(...res.errors);
    for (const k of res.deleted) out.line(`deleted cos://${bucket}/${k}`);
    for (const e of res.errors) out.error(`could not delete cos://${bucket}/${e.key}: ${e.code} ${e.message}`);
  }
  out.document({ ...where, deleted, errors });
  return errors.length === 0 ? EXIT.OK : errors.some((e) => e.code === 'AccessDenied') ? EXIT.ACCESS : EXIT.FAILED;
}
