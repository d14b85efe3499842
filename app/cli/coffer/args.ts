// Command-line parsing for `coffer`: one option table for every command (each command says which it accepts),
// `cos://bucket/key` addresses, `--expires` durations and the transfer tuning flags.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MAX_PART_SIZE, MIN_PART_SIZE, MiB } from '../../engine/upload/upload-plan';
import { describeParseArgsError, isParseArgsError } from '../parse-args-error';
import { UsageError } from './errors';

export const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  profile: { type: 'string' },
  recursive: { type: 'boolean', short: 'r' },
  encryption: { type: 'boolean', short: 'e' },
  sse: { type: 'string' },
  'kms-key-id': { type: 'string' },
  'sse-c-key': { type: 'string' },
  expires: { type: 'string' },
  name: { type: 'string' },
  kind: { type: 'string' },
  region: { type: 'string' },
  appid: { type: 'string' },
  'secret-id': { type: 'string' },
  'secret-key-stdin': { type: 'boolean' },
  'session-token-stdin': { type: 'boolean' },
  endpoint: { type: 'string' },
  generate: { type: 'boolean' },
  'key-stdin': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  'dry-run': { type: 'boolean' },
  'older-than': { type: 'string' },
  'upload-id': { type: 'string' },
  out: { type: 'string' },
  rekey: { type: 'boolean' },
  'default-encryption': { type: 'string' },
  'from-sse-c-key': { type: 'string' },
  'part-size': { type: 'string' },
  'content-type': { type: 'string' },
  parallel: { type: 'string' },
} satisfies ParseArgsConfig['options'];

export type OptionName = keyof typeof OPTIONS;
export type Flags = { [K in OptionName]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** Flags every command takes. */
export const GLOBAL_FLAGS: OptionName[] = ['json', 'help', 'profile'];

export interface ParsedArgs {
  flags: Flags;
  positionals: string[];
}

export function parseCommandLine(argv: string[]): ParsedArgs {
  // A secret key as a flag value would sit in shell history and process lists: refuse it before parsing, and
  // without repeating what followed the flag.
  if (argv.some((a) => a === '--secret-key' || a.startsWith('--secret-key=') || a === '--session-token' || a.startsWith('--session-token='))) {
    throw new UsageError('Secrets are not taken as flag values (they would land in shell history and process lists); use --secret-key-stdin / --session-token-stdin or answer the prompt.');
  }
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    return { flags: values as Flags, positionals };
  } catch (err) {
    if (!isParseArgsError(err)) throw err;
    throw new UsageError(`${describeParseArgsError(err, argv, OPTIONS)} See \`coffer --help\`.`);
  }
}

/** Refuses flags the command does not understand, so a typo never silently does something else. */
export function allowOnly(command: string, flags: Flags, allowed: OptionName[]): void {
  for (const name of Object.keys(flags) as OptionName[]) {
    if (flags[name] === undefined) continue;
    if (!GLOBAL_FLAGS.includes(name) && !allowed.includes(name)) throw new UsageError(`\`coffer ${command}\` does not take --${name}. See \`coffer ${command} --help\`.`);
  }
}

export interface CosAddress {
  bucket: string;
  key: string;
}

export function isCosUrl(s: string): boolean {
  return /^cos:\/\//i.test(s);
}

/** `cos://bucket/key/with/slashes` → {bucket, key}; `cos://` → bucket ''. */
export function parseCosUrl(s: string): CosAddress {
  if (!isCosUrl(s)) throw new UsageError(`"${s}" is not a COS address; write it as cos://bucket/key.`);
  const rest = s.slice('cos://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? '' : rest.slice(slash + 1);
  if (bucket !== '' && !/^[a-z0-9][a-z0-9-]*$/.test(bucket)) {
    throw new UsageError(`"${bucket}" is not a valid bucket name (lowercase letters, digits and dashes, e.g. photos-1250000000).`);
  }
  return { bucket, key };
}

export const MAX_SHARE_SECONDS = 7 * 24 * 3600;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90s`, `15m`, `1h`, `7d` → seconds; at most 7 days. */
export function parseDuration(value: string | undefined, fallback: string): number {
  const text = value ?? fallback;
  const m = /^(\d{1,7})([smhd])$/.exec(text.trim());
  if (!m) throw new UsageError(`--expires takes a number with a unit s, m, h or d (e.g. 30m, 1h, 7d), not "${text}".`);
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2]]!;
  if (seconds < 1) throw new UsageError('--expires must be at least 1s.');
  if (seconds > MAX_SHARE_SECONDS) throw new UsageError(`--expires can be at most 7d (COS limits pre-signed URLs to 7 days); "${text}" is longer.`);
  return seconds;
}

const SIZE_UNITS: Record<string, number> = { k: 1024, m: MiB, g: 1024 * MiB };

/**
 * `--part-size`: `16M`, `16MiB`, `16mb`, `1G`, `512K`; a bare number is MiB (as coscli's --part-size). Binary units
 * (a K is 1024 bytes), within COS's part sizes (1 MiB to 5 GiB).
 */
export function parsePartSize(value: string): number {
  const m = /^(\d{1,10}(?:\.\d{1,6})?)\s*(?:([kmg])(?:i?b)?)?$/i.exec(value.trim());
  if (!m) throw new UsageError(`--part-size takes a size such as 8M, 64MiB or 1G (a bare number is MiB), not "${value}".`);
  const bytes = Math.round(Number(m[1]) * (m[2] ? SIZE_UNITS[m[2].toLowerCase()]! : MiB));
  if (bytes < MIN_PART_SIZE) throw new UsageError(`--part-size must be at least 1M (COS refuses smaller parts other than the last); "${value}" is smaller.`);
  if (bytes > MAX_PART_SIZE) throw new UsageError(`--part-size can be at most 5G (COS's largest part); "${value}" is larger.`);
  return bytes;
}

/** `--parallel`: parts of one object in flight, 1 to 64. */
export function parseParallel(value: string): number {
  const n = Number(value);
  if (!/^\d{1,3}$/.test(value.trim()) || n < 1 || n > 64) throw new UsageError(`--parallel takes a whole number of parts in flight from 1 to 64, not "${value}".`);
  return n;
}
