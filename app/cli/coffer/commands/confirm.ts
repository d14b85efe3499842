// The one rule for commands that destroy many things at once (`rm --recursive`, `uploads abort --older-than`):
// first say what will go (how many, how much, a few names); then --dry-run only lists, --yes goes ahead, a
// terminal is asked (y/N, no by default), and with neither a terminal nor --yes nothing happens (exit 2), so a
// script never deletes by surprise.
import type { Flags } from '../args';
import { ServiceError } from '../../../services/service-error';
import { UsageError } from '../errors';
import { formatBytes, type Output } from '../output';
import { askYesNo, canPrompt } from '../prompt';

/** Names shown before the question; the rest are counted. */
export const NAMES_SHOWN = 5;

export interface Destruction {
  /** `delete`, `abort`. */
  verb: string;
  /** Singular, `object` or `incomplete upload`; an `s` is added for several. */
  noun: string;
  count: number;
  bytes: number;
  /** Where, for people, with its preposition: `at cos://b/pics and under cos://b/pics/` (describeTarget). */
  where: string;
  /** What is destroyed, in order; the first NAMES_SHOWN are shown. */
  names: string[];
  /** `deleted`, `aborted`: for "nothing was …". */
  done: string;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `go` to proceed, `dry-run` to only list; throws when the person said no or nobody could be asked. */
export async function confirmDestruction(out: Output, flags: Flags, d: Destruction): Promise<'go' | 'dry-run'> {
  const what = `${plural(d.count, d.noun)} (${formatBytes(d.bytes)})`;
  if (flags['dry-run']) {
    out.note(`coffer: --dry-run: would ${d.verb} ${what} ${d.where}; nothing was ${d.done}.`);
    return 'dry-run';
  }
  out.note(`coffer: about to ${d.verb} ${what} ${d.where}:`);
  for (const name of d.names.slice(0, NAMES_SHOWN)) out.note(`  ${name}`);
  if (d.names.length > NAMES_SHOWN) out.note(`  … and ${d.names.length - NAMES_SHOWN} more (--dry-run lists them all)`);
  if (flags.yes) return 'go';
  const these = d.count === 1 ? `this ${d.noun}` : `these ${plural(d.count, d.noun)}`;
  if (!canPrompt()) {
    throw new UsageError(`There is no terminal to confirm on: pass --yes to ${d.verb} ${these}, or --dry-run to only list them. Nothing was ${d.done}.`);
  }
  const verb = d.verb[0]!.toUpperCase() + d.verb.slice(1);
  if (await askYesNo(`${verb} ${these}? [y/N] `)) return 'go';
  throw new ServiceError('cancelled', 'NotConfirmed', `Not confirmed; nothing was ${d.done}.`);
}
