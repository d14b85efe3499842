// `coffer sse-c-key add|list|remove|export`: the customer keys SSE-C uploads and downloads use (`--sse c
// --sse-c-key NAME`), kept in the vault beside the profiles. Only names and MD5 fingerprints are ever shown: a key
// arrives on stdin or at a prompt that does not echo, or is generated here, and leaves the vault only into a file
// the user names (a backup: whoever loses an SSE-C key loses every object encrypted with it).
import { writeFile } from 'node:fs/promises';
import { findByName, SSE_C_KEY_BYTES, Vault, type SseCustomerKeyView } from '../../../vault';
import { allowOnly, type ParsedArgs } from '../args';
import { ServiceError } from '../../../services/service-error';
import { decodeKeyText } from '../../../services/sse-c-keys';
import type { RunContext } from '../connection';
import { EXIT, UsageError, type ExitCode } from '../errors';
import { cofferHome, openVault } from '../open-vault';
import { canPrompt, promptHidden, readStdinLines } from '../prompt';

const SUBCOMMANDS = ['add', 'list', 'remove', 'export'] as const;
const KEY_FORMS = `${SSE_C_KEY_BYTES} bytes, written as base64 (44 characters) or hex (64 characters)`;

export function checkSseCKey(args: ParsedArgs): void {
  const [sub, ...rest] = args.positionals;
  const oneName = (usage: string) => {
    if (rest.length !== 1) throw new UsageError(`\`coffer sse-c-key ${sub}\` takes one key name (${usage}).`);
  };
  switch (sub) {
    case 'add':
      allowOnly('sse-c-key add', args.flags, ['generate', 'key-stdin']);
      oneName('coffer sse-c-key add NAME --generate | --key-stdin');
      if (args.flags.generate && args.flags['key-stdin']) throw new UsageError('Give either --generate or --key-stdin, not both.');
      if (!args.flags.generate && !args.flags['key-stdin'] && !canPrompt()) {
        throw new UsageError('Give the key on stdin with --key-stdin, or make a new one with --generate (no terminal to prompt in).');
      }
      return;
    case 'list':
      allowOnly('sse-c-key list', args.flags, []);
      if (rest.length > 0) throw new UsageError('`coffer sse-c-key list` takes no arguments.');
      return;
    case 'remove':
      allowOnly('sse-c-key remove', args.flags, ['yes']);
      oneName('coffer sse-c-key remove NAME --yes');
      if (!args.flags.yes) {
        throw new UsageError(
          'Removing an SSE-C key makes every object encrypted with it unreadable, unless a copy of the key is kept elsewhere ' +
            '(`coffer sse-c-key export NAME --out FILE`). Add --yes to remove it.',
        );
      }
      return;
    case 'export':
      allowOnly('sse-c-key export', args.flags, ['out']);
      oneName('coffer sse-c-key export NAME --out FILE');
      if (!args.flags.out) throw new UsageError('`coffer sse-c-key export` writes the key to a new file: give it with --out FILE (the key is never printed).');
      return;
    case undefined:
      throw new UsageError(`\`coffer sse-c-key\` needs a subcommand: ${SUBCOMMANDS.join(', ')}.`);
    default:
      throw new UsageError(`Unknown sse-c-key subcommand "${sub}"; use ${SUBCOMMANDS.join(', ')}.`);
  }
}

function publicKey(k: SseCustomerKeyView) {
  return { name: k.name, md5Fingerprint: k.md5Fingerprint, created: k.created };
}

function listKeys(ctx: RunContext, keys: SseCustomerKeyView[]): ExitCode {
  ctx.out.document({ sseCustomerKeys: keys.map(publicKey) });
  if (keys.length === 0) ctx.out.line('no SSE-C keys yet; add one with `coffer sse-c-key add NAME --generate` (or --key-stdin)');
  for (const k of keys) ctx.out.line(`${k.name.padEnd(24)} MD5 ${k.md5Fingerprint}  added ${k.created}`);
  return EXIT.OK;
}

async function keyFromUser(ctx: RunContext, fromStdin: boolean): Promise<Buffer> {
  const text = fromStdin ? ((await readStdinLines())[0] ?? '') : await promptHidden(`SSE-C key (${KEY_FORMS}; not shown): `);
  ctx.out.addSecrets(text.trim());
  // The app's own reading of a key (base64 or hex); what was typed is never repeated in the refusal.
  return decodeKeyText(text);
}

export async function sseCKey(ctx: RunContext, args: ParsedArgs): Promise<ExitCode> {
  const [sub, name] = args.positionals;
  const { flags } = args;
  const { out } = ctx;
  if (sub === 'add') {
    // Read and checked before the vault is opened: a bad key must not leave a new, empty vault behind.
    const key = flags.generate ? null : await keyFromUser(ctx, flags['key-stdin'] === true);
    const vault = await openVault(ctx, { create: true });
    try {
      const added = key ? await vault.addSseCustomerKey(name!, key) : await vault.generateSseCustomerKey(name!);
      out.document({ added: publicKey(added), generated: key === null });
      out.line(`added SSE-C key ${added.name} (MD5 ${added.md5Fingerprint})`);
      if (!key) {
        out.note(
          `This key exists only in the vault. Objects encrypted with it cannot be read without it: keep a copy somewhere safe ` +
            `(coffer sse-c-key export ${added.name} --out FILE).`,
        );
      }
      return EXIT.OK;
    } finally {
      key?.fill(0);
      vault.close();
    }
  }
  if (sub === 'list' && (await Vault.protectorKindAt(cofferHome(ctx.env))) === undefined) return listKeys(ctx, []);
  const vault = await openVault(ctx, { create: false });
  try {
    if (sub === 'list') return listKeys(ctx, vault.listSseCustomerKeys());
    const found = findByName(vault.listSseCustomerKeys(), name!);
    if (!found) throw new ServiceError('not-found', 'NoSuchSseCKey', `There is no SSE-C key named "${name}"; see \`coffer sse-c-key list\`.`);
    if (sub === 'remove') {
      await vault.removeSseCustomerKey(found.id);
      out.document({ removed: found.name });
      out.line(`removed SSE-C key ${found.name} (MD5 ${found.md5Fingerprint})`);
      return EXIT.OK;
    }
    const key = await vault.getSseCustomerKey(found.id);
    const text = key.toString('base64');
    out.addSecrets(key, text);
    try {
      // A new file only ('wx'), readable by this user only: never over an existing file, never left world-readable.
      await writeFile(flags.out!, `${text}\n`, { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ServiceError('conflict', 'EEXIST', `${flags.out} already exists; the key is only written to a new file.`, { path: flags.out });
      throw err;
    } finally {
      key.fill(0);
    }
    out.document({ exported: found.name, md5Fingerprint: found.md5Fingerprint, path: flags.out });
    out.line(`wrote SSE-C key ${found.name} (MD5 ${found.md5Fingerprint}) to ${flags.out}, base64; keep the file safe`);
    return EXIT.OK;
  } finally {
    vault.close();
  }
}
