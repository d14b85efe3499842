// `coffer-store`: the embedded COS-compatible store as a standalone server, plus its admin commands.
import { X509Certificate } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { describeParseArgsError, isParseArgsError } from './parse-args-error';
import { DEFAULT_APPID, DEFAULT_REGION, DEFAULT_ROTATION_DAYS, DEFAULT_SSE_REGIONS, DEFAULT_STORE_PORT, type StoreConfig, type StoreCredentials } from '../store/config';
import { credentialsPath, loadOrCreateCredentials, readCredentials } from '../store/credentials-file';
import { defaultKeyring } from '../store/default-keyring';
import { fsck } from '../store/admin/fsck';
import { StoreLock } from '../store/meta/store-lock';
import { freePortNear, listenProblem, problemOf, type ListenProblem } from '../store/port-check';
import { writeStoreRecord } from '../store/running-record';
import { startStore } from '../store/server';
import { NotAStoreError, planStoreOpen, requireStore } from '../store/store-binding';
import { Store } from '../store/store';
import { loadTls } from '../store/tls';
import { LocalKms } from '../store/sse/local-kms';
import { WrongKeyringError } from '../store/sse/keyring';

const USAGE = `Usage:
  coffer-store serve --data DIR [--port N|0] [--host 127.0.0.1] [--appid 1250000000] [--region ap-guangzhou]
                     [--keyring PATH] [--secret-id ID --secret-key KEY] [--sse-regions r1,r2,…]
                     [--rotation-days N] [--tls self-signed | --tls-cert FILE --tls-key FILE]
                     [--record FILE]   while serving, FILE holds {"url","pid"} (how \`coffer\` finds this store)
                     [--lifeline]      stop (as on SIGTERM) when standard input closes: how a process that starts
                                       the store for itself alone ties the store's life to its own
                     --port: ${DEFAULT_STORE_PORT} unless given; 0 picks a free one. An empty or missing DIR gets a new store.
  coffer-store credentials --data DIR [--json]          print the generated SecretId and SecretKey kept in DIR
  coffer-store rotate-key --data DIR [--keyring PATH]   make a new master key active, re-wrap object keys
  coffer-store keys --data DIR [--keyring PATH] [--json]
                                                        list master key versions and what each protects
  coffer-store fsck --data DIR [--keyring PATH] [--json] decrypt and verify every object; count data files nothing
                    [--remove-unreferenced]               refers to (and delete them)
  coffer-store kms create-key --data DIR [--alias NAME] [--json]
                                                        create an SSE-KMS key in the local key service
  coffer-store kms list --data DIR [--json]             list SSE-KMS keys

Credentials come from --secret-id/--secret-key, or COFFER_SECRET_ID/COFFER_SECRET_KEY; with neither, random ones
are generated once and kept in DIR/credentials.json (0600). \`serve\` prints them on every start (to standard
output, never to its log on standard error) and \`coffer-store credentials --data DIR\` prints them any time.

The keyring decrypts every object: without it the data is unreadable, so back it up (apart from the data).
It defaults to $XDG_CONFIG_HOME/coffer-store/keyring-<store id>.json (outside DIR, as it must be), named by the
store's id so it follows DIR when DIR is moved or copied; COFFER_STORE_KEYRING or --keyring choose another file.
DIR records which keyring its objects are sealed by (DIR/store-id.json): every command refuses any other keyring,
a missing one included, before touching anything (exit 2). Commands other than \`serve\` refuse a DIR that holds
no store.`;

class UsageError extends Error {}

/** A command that could not do what was asked, said in one plain sentence (exit 1, no usage text). */
class CommandError extends Error {}

const OPTIONS = {
  data: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  appid: { type: 'string' },
  region: { type: 'string' },
  keyring: { type: 'string' },
  'secret-id': { type: 'string' },
  'secret-key': { type: 'string' },
  'sse-regions': { type: 'string' },
  'rotation-days': { type: 'string' },
  tls: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  record: { type: 'string' },
  lifeline: { type: 'boolean' },
  alias: { type: 'string' },
  'remove-unreferenced': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

type Flags = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

export interface MainOptions {
  /** The command line that starts this again with another port, as the user typed it (`npm start` passes its own). */
  withPort?: (port: number) => string;
}

const withPortDefault = (port: number) => `coffer-store serve --port ${port} …`;

function intFlag(value: string | undefined, name: string, def: number, min: number, max: number): number {
  if (value === undefined) return def;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got "${value}")`);
  return Number(value);
}

function requireData(flags: Flags): string {
  if (!flags.data) throw new UsageError('--data DIR is required');
  return resolve(flags.data);
}

function kmsPathFor(keyringPath: string): string {
  return keyringPath.replace(/(\.json)?$/, '.kms.json');
}

/** The data folder and its keyring, checked before anything is written (store-binding.ts). */
interface Target {
  dataDir: string;
  keyringPath: string;
  newStoreId?: string;
}

/**
 * Resolves the keyring (--keyring, COFFER_STORE_KEYRING, else the default named by the store's id) and refuses,
 * reading only, a keyring that is not the folder's; `existing`: also a folder that holds no store.
 */
async function target(flags: Flags, opts: { existing: boolean }): Promise<Target> {
  const dataDir = requireData(flags);
  if (opts.existing) await requireStore(dataDir);
  const given = flags.keyring ?? process.env.COFFER_STORE_KEYRING;
  const { path, newStoreId } = given ? { path: resolve(given), newStoreId: undefined } : await defaultKeyring(dataDir);
  await planStoreOpen(dataDir, path);
  return { dataDir, keyringPath: path, newStoreId };
}

interface ServeSettings {
  host: string;
  port: number;
  appid: string;
  region: string;
  sseRegions: string[];
  rotationDays: number;
  /** Given by flags or environment; undefined: the ones kept in the data folder. */
  credentials: StoreCredentials | undefined;
}

/** Every `serve` flag checked before anything is read or written. */
function serveSettings(flags: Flags): ServeSettings {
  const appid = flags.appid ?? DEFAULT_APPID;
  if (!/^\d{1,20}$/.test(appid)) throw new UsageError(`--appid must be digits (got "${appid}")`);
  const region = flags.region ?? DEFAULT_REGION;
  if (!/^[a-z0-9-]+$/.test(region)) throw new UsageError(`--region must look like ap-guangzhou (got "${region}")`);
  const sseRegions = flags['sse-regions'] ? flags['sse-regions'].split(',').map((r) => r.trim()).filter(Boolean) : DEFAULT_SSE_REGIONS;
  if (sseRegions.some((r) => !/^[a-z0-9-]+$/.test(r))) throw new UsageError('--sse-regions takes a comma-separated list of region ids');
  const id = flags['secret-id'] ?? process.env.COFFER_SECRET_ID;
  const key = flags['secret-key'] ?? process.env.COFFER_SECRET_KEY;
  if (Boolean(id) !== Boolean(key)) throw new UsageError('give both --secret-id and --secret-key (or COFFER_SECRET_ID and COFFER_SECRET_KEY), or neither');
  return {
    host: flags.host ?? '127.0.0.1',
    port: intFlag(flags.port, 'port', DEFAULT_STORE_PORT, 0, 65535),
    appid,
    region,
    sseRegions,
    rotationDays: intFlag(flags['rotation-days'], 'rotation-days', DEFAULT_ROTATION_DAYS, 1, 36500),
    credentials: id && key ? { secretId: id, secretKey: key } : undefined,
  };
}

function storeConfig(t: Target, s: Omit<ServeSettings, 'credentials'>, credentials: StoreCredentials[]): StoreConfig {
  return {
    dataDir: t.dataDir,
    keyringPath: t.keyringPath,
    kmsPath: kmsPathFor(t.keyringPath),
    newStoreId: t.newStoreId,
    host: s.host,
    port: s.port,
    appid: s.appid,
    region: s.region,
    credentials,
    sseRegions: s.sseRegions,
    rotationDays: s.rotationDays,
    clockSkewSeconds: 900,
    log,
  };
}

const log = (line: string) => console.error(`[coffer-store] ${line}`);

async function listenRefusal(problem: ListenProblem, host: string, port: number, withPort: (p: number) => string): Promise<CommandError> {
  if (problem === 'in-use') {
    const free = await freePortNear(host, port);
    const advice = free === undefined ? 'start with another --port' : `start with \`${withPort(free)}\``;
    return new CommandError(`port ${port} is in use by another program; ${advice}`);
  }
  if (problem === 'no-permission') return new CommandError(`port ${port} needs administrator rights on this system; start with \`${withPort(port < 1024 ? DEFAULT_STORE_PORT : port + 100)}\``);
  return new CommandError(`cannot listen on ${host}: it is not an address of this machine; check --host`);
}

function printCredentials(dataDir: string, c: StoreCredentials, created: boolean): void {
  // Standard output only: the log (standard error) is what services keep in files.
  console.log(`${created ? 'Generated credentials' : 'Credentials'} (kept in ${credentialsPath(dataDir)}; \`coffer-store credentials --data ${dataDir}\` prints them again):`);
  console.log(`  SecretId:  ${c.secretId}`);
  console.log(`  SecretKey: ${c.secretKey}`);
}

async function serve(flags: Flags, opts: MainOptions): Promise<number> {
  const settings = serveSettings(flags);
  const t = await target(flags, { existing: false });
  // Before the port: a store already serving this folder is likely what holds it.
  await StoreLock.assertFree(t.dataDir);
  const withPort = opts.withPort ?? withPortDefault;
  const problem = await listenProblem(settings.host, settings.port);
  if (problem) throw await listenRefusal(problem, settings.host, settings.port, withPort);

  const kept = settings.credentials ? undefined : await loadOrCreateCredentials(t.dataDir);
  const credentials = settings.credentials ?? kept!.credentials;
  const config = storeConfig(t, settings, [credentials]);
  if (flags.tls !== undefined || flags['tls-cert'] !== undefined || flags['tls-key'] !== undefined) {
    config.tls = await loadTls(flags, dirname(t.keyringPath), t.dataDir);
  }
  let running;
  try {
    running = await startStore(config);
  } catch (err) {
    const lost = problemOf(err);
    if (lost) throw await listenRefusal(lost, settings.host, settings.port, withPort);
    throw err;
  }
  // Handlers first: a Ctrl-C or SIGTERM from here on drains and closes, even before the address is printed.
  let forgetRecord = async () => {};
  const stopped = new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = (why: string) => {
      if (stopping) return;
      stopping = true;
      log(`${why}: draining requests and closing`);
      // The lifeline's read end would keep this process alive after the server closed.
      if (flags.lifeline) process.stdin.destroy();
      void Promise.all([forgetRecord(), running.close()]).then(() => resolveStop(), (err) => {
        log(`close failed: ${(err as Error).message}`);
        resolveStop();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    if (flags.lifeline) {
      // Nothing is ever written to it: it ends when the process that started the store ends, however it ends.
      process.stdin.on('end', () => stop('standard input closed (--lifeline)'));
      process.stdin.on('error', () => stop('standard input failed (--lifeline)'));
      process.stdin.resume();
    }
  });
  if (kept) printCredentials(t.dataDir, credentials, kept.created);
  if (flags.record) {
    try {
      forgetRecord = await writeStoreRecord(resolve(flags.record), running.url);
    } catch (err) {
      await running.close();
      throw new Error(`could not write --record ${flags.record}: ${(err as Error).message}`, { cause: err });
    }
  }
  console.log(`Coffer store listening on ${running.url}`);
  // What a person adding this store in Coffer compares before trusting a certificate no authority signed.
  if (config.tls) console.log(`TLS certificate SHA-256 fingerprint: ${new X509Certificate(config.tls.cert).fingerprint256}`);
  await stopped;
  return 0;
}

const ADMIN_SETTINGS = {
  host: '127.0.0.1',
  port: 0,
  appid: DEFAULT_APPID,
  region: DEFAULT_REGION,
  sseRegions: DEFAULT_SSE_REGIONS,
  rotationDays: DEFAULT_ROTATION_DAYS,
};

/** Opens an existing store for an admin command (no credentials: nothing is served). */
async function withStore<T>(flags: Flags, fn: (store: Store) => Promise<T>): Promise<T> {
  const t = await target(flags, { existing: true });
  const store = await Store.open(storeConfig(t, ADMIN_SETTINGS, []));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function keys(flags: Flags): Promise<number> {
  return withStore(flags, async (store) => {
    const counts = store.meta.countObjectsByKid();
    const rows = store.keys.keyring.list().map((k) => ({ ...k, objects: counts.get(k.id) ?? 0 }));
    if (flags.json) console.log(JSON.stringify(rows, null, 2));
    else {
      const idn = store.keys.keyring.identity();
      console.log(`Keyring ${idn.id} of store ${idn.storeId} (created ${idn.created}): ${store.keys.keyring.path}`);
      console.log('KEY  STATE         CREATED                   OBJECTS');
      for (const r of rows) console.log(`${String(r.id).padEnd(4)} ${r.state.padEnd(13)} ${r.created.padEnd(25)} ${r.objects}`);
    }
    return 0;
  });
}

async function rotateKey(flags: Flags): Promise<number> {
  return withStore(flags, async (store) => {
    const info = await store.rotation.rotateNow();
    const rewrapped = await store.rotation.startPass();
    console.log(`Master key ${info.id} is now active; ${rewrapped} object keys re-wrapped.`);
    // Objects whose key could not be re-wrapped (each named above) keep an older master key in the keyring.
    const remaining = store.meta.countObjectsNotUnderKid(info.id);
    if (remaining > 0) {
      console.error(
        `coffer-store: ${remaining} object${remaining === 1 ? ' is' : 's are'} still sealed by an older master key (could not be re-wrapped, see above); ` +
          'that key stays in the keyring until none is. Run `coffer-store fsck` to see what is damaged, then rotate-key again.',
      );
      return 1;
    }
    return 0;
  });
}

async function runFsck(flags: Flags): Promise<number> {
  return withStore(flags, async (store) => {
    const report = await fsck(store, { removeUnreferenced: flags['remove-unreferenced'] === true });
    if (flags.json) console.log(JSON.stringify(report, null, 2));
    else {
      for (const p of report.problems) console.log(`DAMAGED ${p.bucket}/${p.key}: ${p.problem}`);
      for (const s of report.skipped) console.log(`skipped ${s.bucket}/${s.key}: ${s.reason}`);
      console.log(`${report.checked} objects checked (${report.encrypted} encrypted), ${report.problems.length} damaged, ${report.skipped.length} skipped.`);
      const { files, bytes, removed } = report.unreferenced;
      if (files > 0) {
        console.log(
          removed
            ? `Removed ${files} data files nothing referred to (${bytes} bytes).`
            : `${files} data files nothing refers to (${bytes} bytes; not damage: left by an interrupted write). Remove them with --remove-unreferenced.`,
        );
      }
    }
    return report.problems.length === 0 ? 0 : 1;
  });
}

async function kms(sub: string | undefined, flags: Flags): Promise<number> {
  if (sub !== 'create-key' && sub !== 'list') throw new UsageError('kms takes create-key or list');
  const t = await target(flags, { existing: true });
  const service = await LocalKms.open(kmsPathFor(t.keyringPath));
  if (sub === 'create-key') {
    const k = await service.createKey({ alias: flags.alias });
    console.log(flags.json ? JSON.stringify(k) : `Created KMS key ${k.keyId}`);
    return 0;
  }
  const list = service.list();
  if (flags.json) console.log(JSON.stringify(list, null, 2));
  else for (const k of list) console.log(`${k.keyId}  ${k.alias ?? ''}  ${k.created}${k.enabled ? '' : '  (disabled)'}`);
  return 0;
}

async function credentials(flags: Flags): Promise<number> {
  const { dataDir } = await requireStore(requireData(flags));
  const c = await readCredentials(dataDir);
  if (!c) {
    throw new CommandError(
      `${dataDir} keeps no credentials: its store is served with --secret-id/--secret-key or COFFER_SECRET_ID/COFFER_SECRET_KEY, ` +
        'which are not kept. Serve it once without them to have credentials generated.',
    );
  }
  if (flags.json) console.log(JSON.stringify(c));
  else {
    console.log(`SecretId:  ${c.secretId}`);
    console.log(`SecretKey: ${c.secretKey}`);
  }
  return 0;
}

export async function main(argv: string[], opts: MainOptions = {}): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    const flags = values as Flags;
    const [command, sub, ...rest] = positionals;
    if (flags.help || !command) {
      console.log(USAGE);
      return flags.help ? 0 : 2;
    }
    if (command !== 'kms' && sub !== undefined) throw new UsageError(`unexpected argument "${sub}"`);
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
    switch (command) {
      case 'serve':
        return await serve(flags, opts);
      case 'credentials':
        return await credentials(flags);
      case 'keys':
        return await keys(flags);
      case 'rotate-key':
        return await rotateKey(flags);
      case 'fsck':
        return await runFsck(flags);
      case 'kms':
        return await kms(sub, flags);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (isParseArgsError(err)) {
      console.error(`coffer-store: ${describeParseArgsError(err, argv, OPTIONS)}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof UsageError) {
      console.error(`coffer-store: ${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    // Refused before anything was touched: the wrong keyring, or a folder that holds no store.
    if (err instanceof WrongKeyringError || err instanceof NotAStoreError) {
      console.error(`coffer-store: ${err.message}`);
      return 2;
    }
    console.error(`coffer-store: ${(err as Error).message}`);
    return 1;
  }
}
