// `coffer encrypt`: the fix after an audit (`coffer ls --encryption`). Objects that are not encrypted get
// server-side encryption (as --sse says, else as Coffer's Settings default) in place (engine/encrypt-in-place.ts: a guarded copy onto itself that keeps metadata and
// ACL, then a verifying HEAD), without their bytes passing through this machine. Objects already encrypted, in any
// mode, are left alone, unless --rekey asks to move those encrypted otherwise (another mode, KMS key or SSE-C key)
// to the encryption asked for: e.g. SSE-COS to SSE-KMS, or an SSE-C key rotation with --from-sse-c-key OLD.
import type { SseRequest } from '../../../cos/client';
import { checkWriteTarget } from '../../../engine/bucket-settings';
import { EncryptInPlaceError } from '../../../engine/encrypt-in-place-errors';
import { listTarget, resolveTarget } from '../../../engine/object-target';
import { EncryptionStatusService } from '../../../engine/encryption-status';
import { Semaphore } from '../../../engine/upload/semaphore';
import type { AppliedEncryption } from '../../../engine/upload';
import { encryptObject, type EncryptObjectTarget } from '../../../services/encrypt-object';
import { cliUploadDefaults } from '../../../services/settings';
import { objectNotFound } from '../../../services/errors';
import { allowOnly, parseCosUrl, type ParsedArgs } from '../args';
import type { Connection, RunContext } from '../connection';
import { EXIT, UsageError, type ExitCode } from '../errors';
import { describeFailure } from '../failure';
import { appliedJson, describeApplied, withSseRegionAdvice } from './applied-encryption';
import { encryptionJson, objectExists, requireBucket, requireKey, sseCustomerKeyNamed, uploadEncryption, withSseCustomerKeyHint } from './common';
import { statusJson } from './encryption-audit';

/** Server-side copies at once (each is one request; COS does the work). */
const COPIES_IN_FLIGHT = 4;

type Outcome =
  /**
   * `aclNote`: why the object's ACL could not be carried over (it then has the bucket's default). `applied`: the
   * encryption the server reports for the copy (not only the one asked for).
   */
  | { key: string; state: 'encrypted'; aclKept: boolean; aclNote?: string; from?: Record<string, unknown>; applied: AppliedEncryption }
  | { key: string; state: 'already-encrypted'; encryption: Record<string, unknown> }
  | { key: string; state: 'failed'; code: string; message: string; exitCode: ExitCode };

function target(args: ParsedArgs): { bucket: string; key: string } {
  const [first, ...rest] = args.positionals;
  if (first === undefined || rest.length > 0) throw new UsageError('`coffer encrypt` takes one cos://bucket/key address (or cos://bucket/prefix with --recursive).');
  return parseCosUrl(first);
}

export function checkEncrypt(args: ParsedArgs): void {
  allowOnly('encrypt', args.flags, ['recursive', 'sse', 'kms-key-id', 'sse-c-key', 'rekey', 'from-sse-c-key']);
  const { bucket, key } = target(args);
  if (args.flags.recursive) requireBucket(bucket, 'encrypt');
  else requireKey(bucket, key, 'encrypt');
  if ((args.flags.sse ?? '').toLowerCase() === 'none') throw new UsageError('`coffer encrypt` only adds encryption; --sse takes cos, kms or c.');
  if (args.flags['from-sse-c-key'] && !args.flags.rekey) throw new UsageError('--from-sse-c-key goes with --rekey (it names the current key of SSE-C objects to re-encrypt).');
}

export async function encrypt(ctx: RunContext, conn: Connection, args: ParsedArgs): Promise<ExitCode> {
  const { out } = ctx;
  const { bucket, key } = target(args);
  // Without --sse, the default encryption chosen in Coffer's Settings, as `coffer cp` uses it; a default of "none"
  // means nothing here (encrypt only adds encryption), so SSE-COS applies then.
  const defaults = await cliUploadDefaults(conn.home);
  if (defaults.problem) out.note(`coffer: ${defaults.problem}`);
  const fromSettings = defaults.defaultEncryption.mode === 'none' ? undefined : defaults.defaultEncryption;
  // Never { mode: 'none' }: checkEncrypt refused --sse none, and a default of none is not passed on.
  const encryption = (await uploadEncryption(ctx, args.flags, fromSettings)) as SseRequest;
  const rekey = args.flags.rekey === true;
  const fromKeyName = args.flags['from-sse-c-key'];
  const fromKey = fromKeyName ? await sseCustomerKeyNamed(ctx, fromKeyName) : undefined;
  const statuses = new EncryptionStatusService(conn.client, { concurrency: 16 });
  const copies = new Semaphore(COPIES_IN_FLIGHT);
  const outcomes: Outcome[] = [];

  // The rule for each object is the app's too (services/encrypt-object.ts); what is said about it is the CLI's.
  const one = async (object: EncryptObjectTarget): Promise<Outcome> => {
    try {
      const r = await encryptObject(conn.client, statuses, object, { encryption, rekey, sourceSseCustomerKey: fromKey, copies });
      if (r.state === 'already-encrypted') return { key: object.key, state: 'already-encrypted', encryption: statusJson(r.now) };
      const acl = r.result.acl.kept ? { aclKept: true } : { aclKept: false, aclNote: r.result.acl.reason };
      return { key: object.key, state: 'encrypted', ...(r.from ? { from: statusJson(r.from) } : {}), ...acl, applied: r.result.appliedEncryption };
    } catch (err) {
      return await failure(object.key, withSseCustomerKeyHint(err, fromKeyName));
    }
  };
  const report = (o: Outcome) => {
    outcomes.push(o);
    const where = `cos://${bucket}/${o.key}`;
    if (o.state === 'encrypted') {
      const now = describeApplied(o.applied);
      out.line(o.from ? `re-encrypted ${where} (${String(o.from.mode)} → ${now})` : `encrypted ${where} (${now})`);
      if (o.aclNote) out.note(`coffer: ${where}: ${o.aclNote}`);
    } else if (o.state === 'already-encrypted') {
      if (!args.flags.recursive) out.line(`${where} is already encrypted${rekey ? ' as asked' : ''}; nothing to do.`);
    } else {
      out.error(`could not encrypt ${where}: ${o.message}`);
    }
  };

  // A missing bucket, or a region where the server offers no SSE, is said once, before any object is touched.
  await checkWriteTarget(conn.client, bucket, { encrypted: true }).catch((err: unknown) => {
    throw withSseRegionAdvice(err, 'encrypt');
  });
  if (!args.flags.recursive) {
    if (!(await objectExists(conn.client, bucket, key))) throw objectNotFound(bucket, key);
    report(await one({ bucket, key }));
  } else {
    // `cos://b/pics -r` is the object pics and what is under pics/, never pics2/… (engine/object-target.ts).
    for await (const page of listTarget(conn.client, bucket, resolveTarget(key, true))) {
      // Every HEAD and copy of the page is queued at once; results are reported in listing order as they land.
      const pending = page.contents.map((o) => one({ bucket, key: o.key, etag: o.etag, lastModified: o.lastModified }));
      for (const p of pending) report(await p);
    }
  }

  const count = (state: Outcome['state']) => outcomes.filter((o) => o.state === state).length;
  const reencrypted = outcomes.filter((o) => o.state === 'encrypted' && o.from).length;
  const counts = { encrypted: count('encrypted') - reencrypted, reencrypted, alreadyEncrypted: count('already-encrypted'), failed: count('failed') };
  if (args.flags.recursive) {
    const moved = rekey ? `, ${counts.reencrypted} re-encrypted` : '';
    out.line(`${outcomes.length} object${outcomes.length === 1 ? '' : 's'}: ${counts.encrypted} encrypted now${moved}, ${counts.alreadyEncrypted} already encrypted${rekey ? ' as asked' : ''}, ${counts.failed} failed`);
  }
  const objects = outcomes.map((o) => {
    if (o.state === 'failed') return { key: o.key, state: o.state, code: o.code, message: o.message };
    if (o.state !== 'encrypted') return o;
    const { applied, ...rest } = o;
    return { ...rest, encryption: appliedJson(applied) };
  });
  out.document({ operation: 'encrypt', bucket, prefix: args.flags.recursive ? key : undefined, encryption: encryptionJson(encryption), counts, objects });
  const firstFailure = outcomes.find((o): o is Extract<Outcome, { state: 'failed' }> => o.state === 'failed');
  return firstFailure ? firstFailure.exitCode : EXIT.OK;
}

async function failure(key: string, err: unknown): Promise<Outcome> {
  const d = await describeFailure(err);
  // The object's current SSE-C key is given with a flag of this command.
  const hint = err instanceof EncryptInPlaceError && err.code === 'SourceKeyRequired' ? ' Name it with --from-sse-c-key NAME.' : '';
  return { key, state: 'failed', code: d.code, message: d.message + hint, exitCode: d.exitCode };
}
