// What a screen reader hears without looking at the transfers panel: a polite sentence when a transfer finishes
// ("3 files uploaded, encrypted (SSE-COS)") and an assertive one when it failed. Both regions are always in the
// page (a live region added together with its text is often not read); each message is a new element, so the same
// sentence twice is read twice.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { JobSummary, SseChoice } from '../../shared/contract';
import { useModel } from '../stores/model-context';
import { useErrorSentence } from './ErrorNotice';
import { nameOfKey } from './details/details-store';

interface Message {
  id: number;
  text: string;
}

const MODE_NAMES: Record<Exclude<SseChoice['mode'], 'none'>, string> = { 'sse-cos': 'SSE-COS', 'sse-kms': 'SSE-KMS', 'sse-c': 'SSE-C' };

function protection(t: TFunction, sse: SseChoice | null): string {
  return !sse || sse.mode === 'none' ? t('announce.notEncrypted') : t('announce.encrypted', { mode: MODE_NAMES[sse.mode] });
}

/** The sentence for a finished job, or null for one nobody needs to hear about (a cancelled one, a move). */
export function jobSentence(t: TFunction, job: JobSummary): string | null {
  const count = job.progress.filesDone;
  if (job.state !== 'completed' || count === 0) return null;
  if (job.kind === 'upload') return t('announce.uploaded', { count, protection: protection(t, job.sse) });
  if (job.kind === 'download') return t('announce.downloaded', { count });
  if (job.kind === 'encrypt') return t('announce.encryptedFiles', { count, protection: protection(t, job.sse) });
  return null;
}

export function LiveAnnouncer() {
  const { t } = useTranslation();
  const model = useModel();
  const sentence = useErrorSentence();
  const [polite, setPolite] = useState<Message | null>(null);
  const [assertive, setAssertive] = useState<Message | null>(null);

  useEffect(() => {
    let id = 0;
    return model.bridge.onEvent((e) => {
      if (e.type !== 'job.done') return;
      const job = e.job;
      if (job.state === 'failed') {
        const first = job.failures[0];
        const reason = first ? sentence(first.error) : '';
        // Named by the file that failed, not by the job's first file (which may have gone well).
        setAssertive({ id: ++id, text: t('announce.failed', { count: Math.max(1, job.progress.filesFailed), subject: first ? nameOfKey(first.key) : job.subject, reason }) });
        return;
      }
      const text = jobSentence(t, job);
      if (text) setPolite({ id: ++id, text });
    });
  }, [model, t, sentence]);

  return (
    <div className="sr-only">
      {/* aria-live without role status/alert: the window's visible notices hold those roles, and an empty alert
          region always present would be the first "alert" any query finds. */}
      <div aria-live="polite" aria-atomic="true" data-testid="announce-polite">
        {polite && <p key={polite.id}>{polite.text}</p>}
      </div>
      <div aria-live="assertive" aria-atomic="true" data-testid="announce-assertive">
        {assertive && <p key={assertive.id}>{assertive.text}</p>}
      </div>
    </div>
  );
}
