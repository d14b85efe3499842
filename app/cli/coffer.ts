// `coffer`: power-user and script access to encrypted COS buckets (or the embedded store). Thin: it parses the
// command line, resolves a connection (profile, environment, or the embedded store), runs one command from
// app/cli/coffer/commands, and turns the outcome into output and an exit code that means something.
import { parseCommandLine, type ParsedArgs } from './coffer/args';
import type { Connection, RunContext } from './coffer/connection';
import { EXIT, failureFrom, UsageError, type ExitCode } from './coffer/errors';
import { ServiceError } from '../services/service-error';
import { Output, type Streams } from './coffer/output';

export const USAGE = `Usage: coffer <command> [options]

Commands:
  ls [cos://bucket[/folder]] [--recursive]     list buckets, or the object and the folder a name means
       [--encryption]                          with each object's encryption (a HEAD each) and a count per mode;
                                               for buckets, each one's default encryption
  cp LOCAL cos://bucket/key [--recursive]      upload a file (or a folder with --recursive), verified; a folder
                                               keeps its name (album → key/album/…), album/ uploads its contents
       [--sse cos|kms|c|none] [--kms-key-id ID] [--sse-c-key NAME]     (default --sse cos: SSE-COS)
       [--part-size 16M] [--parallel 4]        files above 16 MiB go up in parts of this size (a bare number is
                                               MiB; 1M to 5G; larger when the file needs it to fit 10,000 parts),
                                               this many at a time
       [--content-type TYPE]                   the Content-Type stored (default: guessed from each file's extension,
                                               for standard input from the key's; else application/octet-stream)
  cp cos://bucket/key LOCAL [--recursive]      download an object (or a folder), CRC64-checked
       [--sse-c-key NAME]
  cp - cos://bucket/key, cp cos://bucket/key - upload standard input / write the object to standard output
                                               (checked as it ends: a CRC64 mismatch exits 5, discard the output)
  head cos://bucket/key [--sse-c-key NAME]     size, ETag, dates, type, metadata and encryption
  head cos://bucket                            the bucket's region, default encryption and access (ACL)
  encrypt cos://bucket/key [--sse cos|kms|c] [--kms-key-id ID] [--sse-c-key NAME]
  encrypt cos://bucket/folder --recursive ...  encrypt in place what is not encrypted yet (metadata and ACL kept,
                                               bytes stay on the server; objects already encrypted are left alone)
       [--rekey [--from-sse-c-key OLD]]        also move objects encrypted otherwise to the encryption asked for
                                               (e.g. SSE-COS to SSE-KMS; an SSE-C key rotation from key OLD)
  share cos://bucket/key [--expires 1h]        a pre-signed download URL (units s, m, h, d; at most 7d)
  rm cos://bucket/key [--dry-run]              delete one object
  rm cos://bucket/folder --recursive           delete the folder's objects: says how many and how much, then asks
       [--yes | --dry-run]                     (y/N); --yes for scripts (without a terminal it refuses), --dry-run
                                               only lists them
  uploads ls cos://bucket[/folder]             multipart uploads never finished: started, parts and bytes held
                                               (billed until aborted), and which this machine can resume
  uploads abort cos://bucket/key [--upload-id ID] [--dry-run]    discard one (its parts are deleted)
  uploads abort cos://bucket[/folder] --older-than 7d [--yes | --dry-run]
                                               discard every one started longer ago (units s, m, h, d, w), after
                                               the same confirmation as rm --recursive
  mb cos://bucket [--default-encryption cos|kms [--kms-key-id ID]]
                                               create a bucket (that encrypts objects uploaded without SSE headers)
  profile add --name N --region R --appid A --secret-id ID [--kind cos|local-store] [--endpoint URL]
              [--secret-key-stdin [--session-token-stdin]]    (else the secret key is asked without echo)
  profile list                                 profiles with masked SecretIds
  profile remove NAME
  sse-c-key add NAME --generate | --key-stdin  keep a customer key (for --sse c) in the vault: a new random one,
                                               or yours from stdin (base64 or hex; else asked without echo)
  sse-c-key list                               names and MD5 fingerprints (never the keys)
  sse-c-key export NAME --out FILE             write a key (base64) to a new file, readable by you only: a backup
  sse-c-key remove NAME --yes                  objects encrypted with it are unreadable without a copy
  vault status                                 what keeps the vault (keychain or passphrase), how many profiles
  vault protect keychain|passphrase            move the vault to the OS keychain, or to a (new) passphrase
                                               (COFFER_VAULT_NEW_PASSPHRASE, else asked twice on a terminal)

Options:
  --profile NAME   use a vault profile
  --json           print one JSON document on stdout instead of text
  -h, --help       this help

Addresses:
  cos://bucket/pics with --recursive (and in ls) means the object pics, if there is one, and everything under
  pics/, never pics2/… or picsX.txt; cos://bucket/pics/ means only what is under pics/. A download of both puts
  the folder's objects in pics/ and reports the object pics as not downloaded (a file and a folder cannot share
  a name).

Connection, when no --profile is given:
  COFFER_ENDPOINT  a COS region (ap-guangzhou) or a store URL (http://127.0.0.1:9000)
  COFFER_SECRET_ID, COFFER_SECRET_KEY, COFFER_SESSION_TOKEN (optional), COFFER_APPID (default 1250000000
  for a store URL), COFFER_REGION (the region used with a store URL; default ap-guangzhou).
  With none of these, coffer uses the embedded store in COFFER_HOME: the running one if there is one,
  else it starts it for the duration of the command.

The vault (profiles and SSE-C keys, in COFFER_HOME):
  kept by the OS keychain where one answers (the Secret Service on Linux desktops), else by a passphrase:
  COFFER_VAULT_PASSPHRASE, or asked on a terminal. COFFER_VAULT_PROTECTOR=passphrase makes a new vault use a
  passphrase even where a keychain answers. An existing vault is opened the way it was created.

Exit codes:
  0  success
  1  the operation failed (server error, network, partial failure)
  2  usage error (bad command, flag or address)
  3  not found (bucket, object, local file, profile)
  4  access or credentials problem (refused signature, access denied, locked vault)
  5  integrity or encryption verification failed (CRC64 mismatch, object not encrypted as asked)
  130 interrupted (Ctrl-C); cp says what was kept and that the same command resumes

Secrets are never accepted as flag values and never printed.`;

type Command = { check: (a: ParsedArgs) => void; needsConnection: boolean; run: (ctx: RunContext, a: ParsedArgs, conn?: Connection) => Promise<ExitCode> };

// Each command's module (with the COS client, the vault or the store it needs) is imported only when that command
// runs: from the bundle (scripts/bundle.mjs) `coffer --help` or a usage error then starts about as fast as Node.
const COMMANDS: Record<string, () => Promise<Command>> = {
  ls: async () => {
    const m = await import('./coffer/commands/objects');
    return { check: m.checkLs, needsConnection: true, run: (c, a, conn) => m.ls(c, conn!, a) };
  },
  cp: async () => {
    const m = await import('./coffer/commands/cp');
    return { check: m.checkCp, needsConnection: true, run: (c, a, conn) => m.cp(c, conn!, a) };
  },
  head: async () => {
    const m = await import('./coffer/commands/objects');
    return { check: m.checkHead, needsConnection: true, run: (c, a, conn) => m.head(c, conn!, a) };
  },
  encrypt: async () => {
    const m = await import('./coffer/commands/encrypt');
    return { check: m.checkEncrypt, needsConnection: true, run: (c, a, conn) => m.encrypt(c, conn!, a) };
  },
  share: async () => {
    const m = await import('./coffer/commands/objects');
    return { check: m.checkShare, needsConnection: true, run: (c, a, conn) => m.share(c, conn!, a) };
  },
  rm: async () => {
    const m = await import('./coffer/commands/objects');
    return { check: m.checkRm, needsConnection: true, run: (c, a, conn) => m.rm(c, conn!, a) };
  },
  uploads: async () => {
    const m = await import('./coffer/commands/uploads');
    return { check: m.checkUploads, needsConnection: true, run: (c, a, conn) => m.uploads(c, conn!, a) };
  },
  mb: async () => {
    const m = await import('./coffer/commands/buckets');
    return { check: m.checkMb, needsConnection: true, run: (c, a, conn) => m.mb(c, conn!, a) };
  },
  profile: async () => {
    const m = await import('./coffer/commands/profile');
    return { check: m.checkProfile, needsConnection: false, run: (c, a) => m.profile(c, a) };
  },
  'sse-c-key': async () => {
    const m = await import('./coffer/commands/sse-c-key');
    return { check: m.checkSseCKey, needsConnection: false, run: (c, a) => m.sseCKey(c, a) };
  },
  vault: async () => {
    const m = await import('./coffer/commands/vault');
    return { check: m.checkVault, needsConnection: false, run: (c, a) => m.vault(c, a) };
  },
};

/**
 * An error no command caught (a bug, or a library failing outside a request) ends the run with one redacted line
 * and exit 1, instead of Node's dump of the error object, whose properties could hold request headers or other
 * secrets. COFFER_DEBUG=1 adds the (redacted) stack.
 */
function guardCrashes(out: Output, env: NodeJS.ProcessEnv): void {
  const crash = (err: unknown) => {
    const text = err instanceof Error ? (env.COFFER_DEBUG === '1' && err.stack ? err.stack : err.message) : String(err);
    out.error(`internal error (please report it): ${out.scrub(text)}`);
    process.exit(EXIT.FAILED);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  // Fault injection for the test of this guard: a crash whose message and properties carry the secret key.
  if (env.COFFER_CRASH_TEST === 'uncaught') {
    setImmediate(() => {
      throw Object.assign(new Error(`simulated crash near ${env.COFFER_SECRET_KEY}`), { headers: { authorization: env.COFFER_SECRET_KEY } });
    });
  }
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, streams?: Streams): Promise<number> {
  const out = new Output(argv.includes('--json'), streams);
  out.addSecrets(env.COFFER_SECRET_KEY, env.COFFER_SESSION_TOKEN, env.COFFER_VAULT_PASSPHRASE, env.COFFER_VAULT_NEW_PASSPHRASE);
  // Only when running as the process's own command (tests calling main in-process pass their own streams).
  if (!streams) guardCrashes(out, env);
  try {
    const parsed = parseCommandLine(argv);
    const [name, ...rest] = parsed.positionals;
    if (parsed.flags.help || name === 'help' || name === undefined) {
      if (name === undefined && !parsed.flags.help) {
        out.note(USAGE);
        return EXIT.USAGE;
      }
      process.stdout.write(USAGE + '\n');
      return EXIT.OK;
    }
    if (!Object.hasOwn(COMMANDS, name)) throw new UsageError(`Unknown command "${name}"; run \`coffer --help\` for the list.`);
    const command = await COMMANDS[name]();
    const args: ParsedArgs = { flags: parsed.flags, positionals: rest };
    command.check(args);
    const ctx: RunContext = { env, out, profile: parsed.flags.profile };
    if (!command.needsConnection) return await command.run(ctx, args);
    const { connect } = await import('./coffer/connection');
    const conn = await connect(ctx);
    try {
      return await command.run(ctx, args, conn);
    } finally {
      await conn.release();
    }
  } catch (err) {
    // The taxonomy of every front end (app/services/errors.ts); loaded only now, unless the CLI raised the error itself.
    const d = failureFrom(err instanceof ServiceError ? err.toAppError() : (await import('../services/errors')).toAppError(err));
    out.clearBar();
    const message = out.scrub(d.message);
    out.error(message);
    out.document({ ok: false, error: { code: d.code, message, exitCode: d.exitCode } });
    return d.exitCode;
  }
}
