// `coffer encrypt`: the fix after an audit (`coffer ls --encryption`). Objects that are not encrypted get
// server-side encryption in place (engine/encrypt-in-place.ts: a guarded copy onto itself that keeps metadata and
// ACL, then a verifying HEAD), without their bytes passing through this machine. Objects already encrypted, in any
// mode, are left alone: changing one mode for another is not what this command is for.
import type { SseRequest } from '../../../cos/client';
import { encryptInPlace, EncryptInPlaceError } from '../../../engine/encrypt-in-place';
import { EncryptionStatusService, type EncryptionStatus } from '../../../engine/encryption-status';
import { Semaphore } from '../../../engine/upload/semaphore';
import { allowOnly, parseCosUrl, type ParsedArgs } from '../args';
import type { Connection, RunContext } from '../connection';
import { describeError, EXIT, UsageError, type ExitCode } from '../errors';
import { describeEncryption, encryptionJson, notFound, objectExists, requireBucket, requireKey, uploadEncryption } from './common';
import { statusJson } from './encryption-audit';

/** Server-side copies at once (each is one request; COS does the work). */
const COPIES_IN_FLIGHT = 4;

type Outcome =
  /** `aclNote`: why the object's ACL could not be carried over (it then has the bucket's default). */
  | { key: string; state: 'encrypted'; aclKept: boolean; aclNote?: string }
  | { key: string; state: 'already-encrypted'; encryption: Record<string, unknown> }
  | { key: string; state: 'failed'; code: string; message: string; exitCode: ExitCode };

function target(args: ParsedArgs): { bucket: string; key: string } {
  const [first, ...rest] = args.positionals;
  if (first === undefined || rest.length > 0) throw new UsageError('`coffer encrypt` takes one cos://bucket/key address (or cos://bucket/prefix with --recursive).');
  return parseCosUrl(first);
}

export function checkEncrypt(args: ParsedArgs): void {
  allowOnly('encrypt', args.flags, ['recursive', 'sse', 'kms-key-id', 'sse-c-key']);
  const { bucket, key } = target(args);
  if (args.flags.recursive) requireBucket(bucket, 'encrypt');
  else requireKey(bucket, key, 'encrypt');
  if ((args.flags.sse ?? '').toLowerCase() === 'none') throw new UsageError('`coffer encrypt` only adds encryption; --sse takes cos, kms or c.');
}

export async function encrypt(ctx: RunContext, conn: Connection, args: ParsedArgs): Promise<ExitCode> {
  const { out } = ctx;
  const { bucket, key } = target(args);
  // Never { mode: 'none' }: checkEncrypt refused --sse none.
  const encryption = (await uploadEncryption(ctx, args.flags)) as SseRequest;
  const statuses = new EncryptionStatusService(conn.client, { concurrency: 16 });
  const copies = new Semaphore(COPIES_IN_FLIGHT);
  const outcomes: Outcome[] = [];

  const one = async (objectKey: string, status: Promise<EncryptionStatus>): Promise<Outcome> => {
    const now = await status;
    if (now.mode === 'unknown') return { key: objectKey, state: 'failed', code: now.error.code, message: `its encryption could not be read: ${now.error.message}`, exitCode: EXIT.FAILED };
    if (now.mode !== 'none') return { key: objectKey, state: 'already-encrypted', encryption: statusJson(now) };
    return copies.run(async () => {
      try {
        const res = await encryptInPlace(conn.client, { bucket, key: objectKey, encryption });
        return res.acl.kept ? { key: objectKey, state: 'encrypted' as const, aclKept: true } : { key: objectKey, state: 'encrypted' as const, aclKept: false, aclNote: res.acl.reason };
      } catch (err) {
        return failure(objectKey, err);
      }
    });
  };
  const report = (o: Outcome) => {
    outcomes.push(o);
    const where = `cos://${bucket}/${o.key}`;
    if (o.state === 'encrypted') {
      out.line(`encrypted ${where} (${describeEncryption(encryption)})`);
      if (o.aclNote) out.note(`coffer: ${where}: ${o.aclNote}`);
    } else if (o.state === 'already-encrypted') {
      if (!args.flags.recursive) out.line(`${where} is already encrypted; nothing to do.`);
    } else {
      out.error(`could not encrypt ${where}: ${o.message}`);
    }
  };

  if (!args.flags.recursive) {
    if (!(await objectExists(conn.client, bucket, key))) throw notFound(bucket, key);
    report(await one(key, statuses.get(bucket, key)));
  } else {
    for await (const page of conn.client.listObjectPages(bucket, { prefix: key })) {
      // Every HEAD and copy of the page is queued at once; results are reported in listing order as they land.
      const pending = page.contents.map((o) => one(o.key, statuses.get(bucket, o.key, { etag: o.etag, lastModified: o.lastModified })));
      for (const p of pending) report(await p);
    }
  }

  const count = (state: Outcome['state']) => outcomes.filter((o) => o.state === state).length;
  const counts = { encrypted: count('encrypted'), alreadyEncrypted: count('already-encrypted'), failed: count('failed') };
  if (args.flags.recursive) {
    out.line(`${outcomes.length} object${outcomes.length === 1 ? '' : 's'}: ${counts.encrypted} encrypted now, ${counts.alreadyEncrypted} already encrypted, ${counts.failed} failed`);
  }
  const objects = outcomes.map((o) => (o.state === 'failed' ? { key: o.key, state: o.state, code: o.code, message: o.message } : o));
  out.document({ operation: 'encrypt', bucket, prefix: args.flags.recursive ? key : undefined, encryption: encryptionJson(encryption), counts, objects });
  const firstFailure = outcomes.find((o): o is Extract<Outcome, { state: 'failed' }> => o.state === 'failed');
  return firstFailure ? firstFailure.exitCode : EXIT.OK;
}

function failure(key: string, err: unknown): Outcome {
  // ObjectChanged (someone wrote it meanwhile; nothing was overwritten) and SourceKeyRequired are plain failures;
  // a copy that happened but could not be verified is an integrity failure.
  if (err instanceof EncryptInPlaceError) {
    return { key, state: 'failed', code: err.code, message: err.message, exitCode: err.code === 'VerificationFailed' ? EXIT.INTEGRITY : EXIT.FAILED };
  }
  const d = describeError(err);
  return { key, state: 'failed', code: d.code, message: d.message, exitCode: d.exitCode };
}
