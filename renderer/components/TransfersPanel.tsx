// The transfers panel: totals in its header, each job with progress, speed, time left and state, its actions,
// its failures as sentences; jobs from before a restart; and the unfinished uploads the server holds for the
// bucket on screen, which can be aborted.
import { memo, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChevronDown, ChevronUp, Pause, Play, RotateCcw, X } from 'lucide-react';
import { Button } from 'react-aria-components';
import type { IncompleteUpload, JobSummary } from '../../shared/contract';
import { durationParts, formatDate, formatSize, placeLabel } from '../lib/format';
import { useListing, useModel, useTransfers } from '../stores/model-context';
import { clearable, finished, transferTotals, type JobAction } from '../stores/transfers-store';
import { ConfirmDialog } from './ConfirmDialog';
import { ErrorNotice, useErrorSentence } from './ErrorNotice';
import { IconButton } from './IconButton';

export function useTimeLeft() {
  const { t } = useTranslation();
  return (seconds: number | null) => {
    if (seconds === null || !Number.isFinite(seconds)) return '';
    const { unit, count } = durationParts(seconds);
    return t(`transfers.left.${unit}`, { count });
  };
}

export function TransfersPanel() {
  const { t, i18n } = useTranslation();
  const model = useModel();
  const order = useTransfers((s) => s.order);
  const jobs = useTransfers((s) => s.jobs);
  const error = useTransfers((s) => s.error);
  const incomplete = useTransfers((s) => s.incomplete);
  const location = useListing((s) => s.location);
  const [open, setOpen] = useState(true);
  const timeLeft = useTimeLeft();
  const totals = transferTotals({ jobs, order });
  const toClear = order.filter((id) => clearable(jobs[id])).length;

  useEffect(() => {
    if (location) void model.transfers.getState().loadIncomplete(location);
  }, [location, model]);

  const summary = [
    t('transfers.running', { count: totals.running }),
    totals.running ? t('transfers.rate', { size: formatSize(totals.rate, i18n.language) }) : '',
    totals.running ? timeLeft(totals.etaSeconds) : '',
    totals.failed ? t('transfers.failedCount', { count: totals.failed }) : '',
  ].filter(Boolean);

  return (
    <section className={`transfers${open ? ' open' : ''}`} aria-label={t('transfers.title')}>
      <header className="transfers-header">
        <h2>
          {t('transfers.title')} <span className="summary">({summary.join(' · ')})</span>
        </h2>
        {open && toClear > 0 && (
          <Button className="button quiet clear-finished" onPress={() => void model.transfers.getState().clearFinished()}>
            {t('transfers.clearFinished', { count: toClear })}
          </Button>
        )}
        <Button className="button quiet" onPress={() => setOpen(!open)} aria-expanded={open} aria-label={open ? t('transfers.collapse') : t('transfers.expand')}>
          {open ? <ChevronDown className="icon" aria-hidden /> : <ChevronUp className="icon" aria-hidden />}
        </Button>
      </header>
      {open && (
        <div className="transfers-body">
          {error && <ErrorNotice error={error} onDismiss={() => model.transfers.getState().clearError()} />}
          {order.length === 0 && <p className="hint">{t('transfers.none')}</p>}
          <ul className="jobs">
            {order.map((id) => (
              <JobItem key={id} job={jobs[id]!} />
            ))}
          </ul>
          {incomplete.uploads.length > 0 && <IncompleteUploads uploads={incomplete.uploads} />}
          {incomplete.status === 'error' && incomplete.error && <ErrorNotice error={incomplete.error} />}
        </div>
      )}
    </section>
  );
}

const JobItem = memo(function JobItem({ job }: { job: JobSummary }) {
  const { t, i18n } = useTranslation();
  const model = useModel();
  const timeLeft = useTimeLeft();
  const sentence = useErrorSentence();
  const notices = useTransfers((s) => s.notices[job.id]);
  const lang = i18n.language;
  const p = job.progress;
  const place = placeLabel(job.bucket, job.prefix);
  // "“album” and 2 more items": what the user gave, not the files inside the folders.
  const more = job.others;
  // A finished job is told in the past tense ("Uploaded …"): "Uploading … Done" reads as still running. One that
  // finished with failures did the rest ("Uploaded … · Finished with failures"); a cancelled one did not finish.
  const group = job.state === 'completed' || job.state === 'failed' ? 'kindDone' : 'kind';
  const title = more > 0 ? t(`transfers.${group}.${job.kind}Many`, { subject: job.subject, count: more, place }) : t(`transfers.${group}.${job.kind}`, { subject: job.subject, place });
  const act = (a: JobAction) => void model.transfers.getState().act(job.id, a);
  const running = job.state === 'running' || job.state === 'queued';
  const percent = p.bytesTotal > 0 ? Math.round((p.bytesDone / p.bytesTotal) * 100) : finished(job) ? 100 : 0;
  const details = [
    // Deleting moves no bytes: its progress is in files.
    job.kind === 'delete' ? '' : t('transfers.bytes', { done: formatSize(p.bytesDone, lang), total: formatSize(p.bytesTotal, lang) }),
    // A big drop still being read: its totals grow, and a time left from them would be wrong.
    // A folder's delete also counts its folder marker and its unfinished uploads: items, not files.
    job.adding
      ? t('transfers.filesSoFar', { done: p.filesDone, total: p.filesTotal })
      : p.filesTotal > 1
        ? t(job.kind === 'delete' ? 'transfers.items' : 'transfers.files', { done: p.filesDone, total: p.filesTotal })
        : '',
    running && p.rate > 0 ? t('transfers.rate', { size: formatSize(p.rate, lang) }) : '',
    running && !job.adding ? timeLeft(p.etaSeconds) : '',
  ].filter(Boolean);

  return (
    <li className={`job state-${job.state}`} aria-label={title}>
      <div className="job-line">
        <span className="job-title" title={title}>
          {title}
        </span>
        <span className="job-state">{t(`transfers.state.${job.state}`)}</span>
        <span className="job-actions">
          {running && (
            <IconButton className="button quiet" onPress={() => act('pause')} label={t('transfers.pause')}>
              <Pause className="icon" aria-hidden />
            </IconButton>
          )}
          {(job.state === 'paused' || job.state === 'interrupted') && !job.awaitingSources && (
            <IconButton className="button quiet" onPress={() => act('resume')} label={t('transfers.resume')}>
              <Play className="icon" aria-hidden />
            </IconButton>
          )}
          {!finished(job) && (
            <IconButton className="button quiet" onPress={() => act('cancel')} label={t('transfers.cancel')}>
              <X className="icon" aria-hidden />
            </IconButton>
          )}
          {job.state === 'failed' && (
            <IconButton className="button quiet" onPress={() => act('retry')} label={t('transfers.retry')}>
              <RotateCcw className="icon" aria-hidden />
            </IconButton>
          )}
          {finished(job) && (
            <IconButton className="button quiet" onPress={() => act('dismiss')} label={t('transfers.dismiss')}>
              {/* An X, not a bin: removing a finished transfer from the list deletes no file. */}
              <X className="icon" aria-hidden />
            </IconButton>
          )}
        </span>
      </div>
      <progress max={100} value={percent} aria-label={t('transfers.progress', { title })} />
      <div className="job-details">{details.join(' · ')}</div>
      {/* Only work still to do needs "from before the restart": on a job already done it is noise. */}
      {job.restored && !finished(job) && <p className="hint">{t('transfers.restored')}</p>}
      {job.awaitingSources && <p className="hint">{t('transfers.awaitingSources')}</p>}
      {notices?.map((n, i) => (
        <p key={i} className="hint">
          {n}
        </p>
      ))}
      {job.failures.length > 0 && (
        <ul className="failures">
          {job.failures.map((f) => (
            <li key={f.key}>
              <span className="failure-key">{f.key}</span>: {sentence(f.error)}
            </li>
          ))}
          {p.filesFailed > job.failures.length && <li>{t('transfers.moreFailures', { count: p.filesFailed - job.failures.length })}</li>}
        </ul>
      )}
    </li>
  );
});

function IncompleteUploads({ uploads }: { uploads: IncompleteUpload[] }) {
  const { t, i18n } = useTranslation();
  const model = useModel();
  const [asking, setAsking] = useState<IncompleteUpload | null>(null);
  return (
    <div className="incomplete">
      <h3>{t('transfers.incomplete.title', { count: uploads.length })}</h3>
      <p className="hint">{t('transfers.incomplete.hint')}</p>
      <ul>
        {uploads.map((u) => (
          <li key={u.uploadId}>
            <span className="failure-key">{u.key}</span> · {t('transfers.incomplete.started', { date: formatDate(u.initiated, i18n.language) })}
            {u.ownedByJob ? (
              <span className="hint"> · {t('transfers.incomplete.ownedByJob')}</span>
            ) : (
              <Button className="link" onPress={() => setAsking(u)} aria-label={t('transfers.incomplete.abortLabel', { key: u.key })}>
                {t('transfers.incomplete.abort')}
              </Button>
            )}
          </li>
        ))}
      </ul>
      <ConfirmDialog
        isOpen={asking !== null}
        title={t('transfers.incomplete.confirmTitle')}
        body={t('transfers.incomplete.confirmBody', { key: asking?.key ?? '' })}
        confirmLabel={t('transfers.incomplete.abort')}
        cancelLabel={t('common.cancel')}
        destructive
        onConfirm={() => {
          const u = asking;
          setAsking(null);
          if (u) void model.transfers.getState().abortIncomplete(u);
        }}
        onCancel={() => setAsking(null)}
      />
    </div>
  );
}
