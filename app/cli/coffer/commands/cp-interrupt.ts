// Ctrl-C during `coffer cp`: instead of vanishing with exit 130, say what was kept and what to do next. What is
// kept is read from where the next run will find it: the resume journals in COFFER_HOME for multipart uploads
// from files, the `.coffer-part` file beside a download's destination. A second Ctrl-C ends the run at once.
import { stat } from 'node:fs/promises';
import { tempPathsFor } from '../../../engine/download';
import { JournalStore } from '../../../engine/journal';
import type { UploadTransfer } from '../../../engine/upload';
import { formatBytes, type Output } from '../output';

/** 128 + SIGINT, what shells report for a command ended by Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

/**
 * Until the returned function is called, Ctrl-C prints `coffer: interrupted: …` (the sentence `explain` gives; in
 * the --json document too) and exits 130. Nothing else is done on the way out: whatever was kept stays for the next
 * run, as after a crash.
 */
export function onInterrupt(out: Output, explain: () => Promise<string> | string): () => void {
  let interrupted = false;
  const handler = () => {
    if (interrupted) process.exit(EXIT_INTERRUPTED);
    interrupted = true;
    void (async () => {
      let sentence: string;
      try {
        sentence = await explain();
      } catch {
        sentence = 'run the same command to continue';
      }
      out.clearBar();
      const message = `interrupted: ${sentence}`;
      out.error(message);
      out.document({ ok: false, error: { code: 'Interrupted', message, exitCode: EXIT_INTERRUPTED } });
      process.exit(EXIT_INTERRUPTED);
    })();
  };
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGINT', handler);
  };
}

function files(n: number): string {
  return `${n} file${n === 1 ? '' : 's'}`;
}

/** Parts kept on the server for the transfer's unfinished objects, as their journals record them. */
async function keptParts(journalDir: string, bucket: string, keys: Set<string>): Promise<Array<{ key: string; kept: number; total: number }>> {
  const journals = await new JournalStore(journalDir).list();
  return journals
    .filter(({ journal: j }) => j.bucket === bucket && keys.has(j.key))
    .map(({ journal: j }) => ({ key: j.key, kept: Object.keys(j.parts).length, total: Math.max(1, Math.ceil(j.file.size / j.partSize)) }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

export interface UploadInterruptContext {
  bucket: string;
  /** Where the upload goes, for people: `cos://b/photos/`. */
  where: string;
  journalDir: string;
  /** From standard input: nothing can be resumed, so the transfer is cancelled (its multipart upload aborted). */
  fromStdin: boolean;
}

/** The sentence after `interrupted: ` for an upload. Pauses the transfer first, so no new part starts meanwhile. */
export async function explainUploadInterrupt(transfer: UploadTransfer, c: UploadInterruptContext): Promise<string> {
  transfer.pause();
  const items = transfer.snapshot().items;
  const at = (key: string) => `cos://${c.bucket}/${key}`;
  if (c.fromStdin) {
    // A stream cannot be read twice: what was sent is useless, so its multipart upload is aborted now (bounded wait).
    const cancelled = await Promise.race([transfer.cancel().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 3_000).unref())]);
    const left = cancelled ? '' : ` (If \`coffer uploads ls ${at(items[0]?.key ?? '')}\` shows an incomplete upload left behind, \`coffer uploads abort\` removes it.)`;
    return `nothing was stored at ${at(items[0]?.key ?? '')} (standard input cannot be resumed); run the command again with the whole input.${left}`;
  }
  const unfinished = items.filter((i) => i.state !== 'completed');
  const parts = await keptParts(c.journalDir, c.bucket, new Set(unfinished.map((i) => i.key)));
  const partsText = parts.map((p) => `${p.kept} of ${p.total} parts of ${at(p.key)}`).join(', ');
  if (items.length === 1) {
    const key = items[0]!.key;
    if (items[0]!.state === 'completed') return `${at(key)} was uploaded just before; nothing is left to do.`;
    if (parts.length === 0) return `${at(key)} was not uploaded (nothing was stored); run the same command to upload it.`;
    const kept = parts[0]!;
    return `${kept.kept} of ${kept.total} parts of ${at(key)} are kept on the server; run the same command to resume (or \`coffer uploads abort ${at(key)}\` to discard them).`;
  }
  const done = items.length - unfinished.length;
  const resumable = parts.length > 0 ? `; ${partsText} ${parts.length === 1 && parts[0]!.kept === 1 ? 'is' : 'are'} kept on the server` : '';
  const again = parts.length > 0 ? 'uploads the files again, but not the kept parts' : 'uploads every file again';
  return `${done} of ${files(items.length)} ${done === 1 ? 'was' : 'were'} uploaded to ${c.where}${resumable}. Run the same command to finish (it ${again}).`;
}

/** After `interrupted: ` for one object downloaded to a file: how much is kept beside it for the next run. */
export async function explainDownloadInterrupt(bucket: string, key: string, dest: string): Promise<string> {
  const kept = await stat(tempPathsFor(dest).temp).then(
    (s) => s.size,
    () => 0,
  );
  if (kept === 0) return `nothing of cos://${bucket}/${key} was written to ${dest}; run the same command to download it.`;
  return `${formatBytes(kept)} of cos://${bucket}/${key} are kept beside ${dest}; run the same command to resume.`;
}

/** After `interrupted: ` for a recursive download. */
export function explainFolderDownloadInterrupt(source: string, dest: string, filesDone: number): string {
  return `${files(filesDone)} from ${source} ${filesDone === 1 ? 'was' : 'were'} downloaded to ${dest}; run the same command to finish (it downloads every file again; a file cut short resumes).`;
}

/** After `interrupted: ` for an object written to standard output. */
export function explainStdoutInterrupt(bucket: string, key: string, sent: number): string {
  return `only ${formatBytes(sent)} of cos://${bucket}/${key} were written to standard output; discard that output.`;
}
