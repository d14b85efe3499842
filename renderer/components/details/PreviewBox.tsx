// A preview of the selected file: images and PDFs up to 10 MB, the first 256 KiB of a text file. The bytes come
// through the core (bridge.previewBlob) and live only in this page's memory as a Blob, released when the selection
// moves on; nothing is written to disk. Text is shown as text, never interpreted.
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Loader } from 'lucide-react';
import type { AppError } from '../../../shared/contract';
import type { ObjectDetails, PreviewKind } from '../../../shared/contract/channels-details';
import { PREVIEW_MAX_BYTES, PREVIEW_TEXT_BYTES } from '../../../shared/contract/channels-details';
import { formatSize } from '../../lib/format';
import { useListing, useModel } from '../../stores/model-context';
import { ErrorNotice } from '../ErrorNotice';

const PdfPages = lazy(() => import('./PdfPages'));

type Loaded = { kind: 'image'; url: string } | { kind: 'text'; text: string; truncated: boolean } | { kind: 'pdf'; data: ArrayBuffer };

export function PreviewBox({ details, name }: { details: ObjectDetails; name: string }) {
  const { t, i18n } = useTranslation();
  const model = useModel();
  const location = useListing((s) => s.location);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const kind: PreviewKind | null = details.preview.kind;
  // An empty file has nothing to show: said in words, not shown as an empty box (or a broken image).
  const empty = details.size === 0;
  const canShow = kind !== null && !details.preview.tooLarge && details.complete && !empty;

  useEffect(() => {
    if (!canShow || !location) return;
    let live = true;
    let url: string | null = null;
    setLoaded(null);
    setError(null);
    void (async () => {
      const ticket = await model.bridge.api.objects.preview({ connectionId: location.connectionId, bucket: location.bucket, key: details.key });
      if (!live) return;
      if (!ticket.ok) return setError(ticket.error);
      const blob = await model.bridge.previewBlob(ticket.value.previewId);
      if (!live) return;
      if (!blob.ok) return setError(blob.error);
      if (ticket.value.kind === 'image') {
        url = URL.createObjectURL(blob.value);
        setLoaded({ kind: 'image', url });
      } else if (ticket.value.kind === 'text') {
        const text = new TextDecoder('utf-8').decode(await blob.value.arrayBuffer());
        if (live) setLoaded({ kind: 'text', text, truncated: ticket.value.truncated });
      } else {
        const data = await blob.value.arrayBuffer();
        if (live) setLoaded({ kind: 'pdf', data });
      }
    })();
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
    // details.etag: a new version of the same key is previewed again.
  }, [canShow, location, details.key, details.etag, model, attempt]);

  if (kind === null) return null;
  return (
    <section className="details-section preview" aria-labelledby="details-preview">
      <h3 id="details-preview">{t('details.preview.heading')}</h3>
      {empty ? (
        <p className="hint">{t('details.preview.empty')}</p>
      ) : !details.complete ? (
        <p className="hint">{t('details.preview.needsKey')}</p>
      ) : details.preview.tooLarge ? (
        <p className="hint">{t('details.preview.tooLarge', { size: formatSize(details.size, i18n.language), max: formatSize(PREVIEW_MAX_BYTES, i18n.language) })}</p>
      ) : error ? (
        <ErrorNotice error={error} onRetry={() => setAttempt((a) => a + 1)} />
      ) : !loaded ? (
        <p className="hint" role="status">
          <Loader className="icon spin" aria-hidden /> {t('details.preview.loading')}
        </p>
      ) : loaded.kind === 'image' ? (
        <img className="preview-image" src={loaded.url} alt={t('details.preview.imageAlt', { name })} />
      ) : loaded.kind === 'text' ? (
        <>
          <pre className="preview-text" tabIndex={0} aria-label={t('details.preview.textLabel', { name })}>
            {loaded.text}
          </pre>
          {loaded.truncated && <p className="hint">{t('details.preview.truncated', { size: formatSize(PREVIEW_TEXT_BYTES, i18n.language) })}</p>}
        </>
      ) : (
        <Suspense
          fallback={
            <p className="hint" role="status">
              <Loader className="icon spin" aria-hidden /> {t('details.preview.loading')}
            </p>
          }
        >
          <PdfPages data={loaded.data} name={name} />
        </Suspense>
      )}
    </section>
  );
}
