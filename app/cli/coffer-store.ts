// `coffer-store`: the embedded COS-compatible store as a standalone server, plus its admin commands.
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_APPID, DEFAULT_REGION, DEFAULT_ROTATION_DAYS, DEFAULT_SSE_REGIONS, DEFAULT_STORE_PORT, type StoreConfig } from '../store/config';
import { loadOrCreateCredentials } from '../store/credentials-file';
import { fsck } from '../store/admin/fsck';
import { writeStoreRecord } from '../store/running-record';
import { startStore } from '../store/server';
import { Store } from '../store/store';
import { loadTls } from '../store/tls';
import { LocalKms } from '../store/sse/local-kms';

const USAGE = `Usage:
  coffer-store serve --data DIR [--host 127.0.0.1] [--port N|0] [--appid 1250000000] [--region ap-guangzhou]
                     [--keyring PATH] [--secret-id ID --secret-key KEY] [--sse-regions r1,r2,…]
                     [--rotation-days N] [--tls self-signed | --tls-cert FILE --tls-key FILE]
                     [--record FILE]   while serving, FILE holds {"url","pid"} (how \`coffer\` finds this store)
  coffer-store rotate-key --data DIR [--keyring PATH]     make a new master key active, re-wrap object keys
  coffer-store keys --data DIR [--keyring PATH]           list master key versions and what each protects
  coffer-store fsck --data DIR [--keyring PATH]           decrypt and verify every object; count data files nothing
                    [--remove-unreferenced]               refers to (and delete them)
  coffer-store kms create-key --data DIR [--alias NAME]   create an SSE-KMS key in the local key service
  coffer-store kms list --data DIR                        list SSE-KMS keys

Credentials come from --secret-id/--secret-key, or COFFER_SECRET_ID/COFFER_SECRET_KEY; with neither, random ones
are generated once, kept in DIR/credentials.json (0600) and printed. The keyring defaults to a file under
$XDG_CONFIG_HOME/coffer-store (outside the data directory, as it must be).`;

class UsageError extends Error {}

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
  alias: { type: 'string' },
  'remove-unreferenced': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

type Flags = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

function defaultKeyringPath(dataDir: string): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  const id = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16);
  return join(base, 'coffer-store', `keyring-${id}.json`);
}

function intFlag(value: string | undefined, name: string, def: number, min: number, max: number): number {
  if (value === undefined) return def;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got "${value}")`);
  return Number(value);
}

function requireData(flags: Flags): string {
  if (!flags.data) throw new UsageError('--data DIR is required');
  return resolve(flags.data);
}

async function buildConfig(flags: Flags, log: (l: string) => void): Promise<{ config: StoreConfig; printCredentials: boolean }> {
  const dataDir = requireData(flags);
  const keyringPath = resolve(flags.keyring ?? process.env.COFFER_STORE_KEYRING ?? defaultKeyringPath(dataDir));
  const appid = flags.appid ?? DEFAULT_APPID;
  if (!/^\d{1,20}$/.test(appid)) throw new UsageError(`--appid must be digits (got "${appid}")`);
  const region = flags.region ?? DEFAULT_REGION;
  if (!/^[a-z0-9-]+$/.test(region)) throw new UsageError(`--region must look like ap-guangzhou (got "${region}")`);
  const sseRegions = flags['sse-regions'] ? flags['sse-regions'].split(',').map((r) => r.trim()).filter(Boolean) : DEFAULT_SSE_REGIONS;
  if (sseRegions.some((r) => !/^[a-z0-9-]+$/.test(r))) throw new UsageError('--sse-regions takes a comma-separated list of region ids');

  const id = flags['secret-id'] ?? process.env.COFFER_SECRET_ID;
  const key = flags['secret-key'] ?? process.env.COFFER_SECRET_KEY;
  if (Boolean(id) !== Boolean(key)) throw new UsageError('give both --secret-id and --secret-key (or COFFER_SECRET_ID and COFFER_SECRET_KEY), or neither');
  let credentials;
  let printCredentials = false;
  if (id && key) {
    credentials = { secretId: id, secretKey: key };
  } else {
    const kept = await loadOrCreateCredentials(dataDir);
    credentials = kept.credentials;
    printCredentials = kept.created;
  }
  const config: StoreConfig = {
    dataDir,
    keyringPath,
    kmsPath: keyringPath.replace(/(\.json)?$/, '.kms.json'),
    host: flags.host ?? '127.0.0.1',
    port: intFlag(flags.port, 'port', DEFAULT_STORE_PORT, 0, 65535),
    appid,
    region,
    credentials: [credentials],
    sseRegions,
    rotationDays: intFlag(flags['rotation-days'], 'rotation-days', DEFAULT_ROTATION_DAYS, 1, 36500),
    clockSkewSeconds: 900,
    log,
  };
  if (flags.tls !== undefined || flags['tls-cert'] !== undefined || flags['tls-key'] !== undefined) {
    config.tls = await loadTls(flags, dirname(keyringPath), dataDir);
  }
  return { config, printCredentials };
}

const log = (line: string) => console.error(`[coffer-store] ${line}`);

async function serve(flags: Flags): Promise<number> {
  const { config, printCredentials } = await buildConfig(flags, log);
  const running = await startStore(config);
  if (printCredentials) {
    const c = config.credentials[0]!;
    console.log(`Generated credentials (kept in ${config.dataDir}/credentials.json, shown only now):`);
    console.log(`  SecretId:  ${c.secretId}`);
    console.log(`  SecretKey: ${c.secretKey}`);
  }
  let forgetRecord = async () => {};
  if (flags.record) {
    try {
      forgetRecord = await writeStoreRecord(resolve(flags.record), running.url);
    } catch (err) {
      await running.close();
      throw new Error(`could not write --record ${flags.record}: ${(err as Error).message}`, { cause: err });
    }
  }
  console.log(`Coffer store listening on ${running.url}`);
  await new Promise<void>((resolveStop) => {
    const stop = (signal: string) => {
      log(`${signal}: draining requests and closing`);
      void Promise.all([forgetRecord(), running.close()]).then(() => resolveStop(), (err) => {
        log(`close failed: ${(err as Error).message}`);
        resolveStop();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

async function withStore<T>(flags: Flags, fn: (store: Store) => Promise<T>): Promise<T> {
  const { config } = await buildConfig(flags, log);
  const store = await Store.open(config);
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
  const { config } = await buildConfig(flags, log);
  const service = await LocalKms.open(config.kmsPath);
  if (sub === 'create-key') {
    const k = await service.createKey({ alias: flags.alias });
    console.log(flags.json ? JSON.stringify(k) : `Created KMS key ${k.keyId}`);
    return 0;
  }
  if (sub === 'list') {
    const list = service.list();
    if (flags.json) console.log(JSON.stringify(list, null, 2));
    else for (const k of list) console.log(`${k.keyId}  ${k.alias ?? ''}  ${k.created}${k.enabled ? '' : '  (disabled)'}`);
    return 0;
  }
  throw new UsageError('kms takes create-key or list');
}

export async function main(argv: string[]): Promise<number> {
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
        return await serve(flags);
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
    if (err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith?.('ERR_PARSE_ARGS')) {
      console.error(`coffer-store: ${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`coffer-store: ${(err as Error).message}`);
    return 1;
  }
}

