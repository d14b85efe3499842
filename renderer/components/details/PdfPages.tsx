// A PDF preview: the first pages drawn into canvases by PDF.js (pdfjs-dist), from the bytes already in memory —
// no plugin, no frame, nothing the window's Content-Security-Policy would have to open up (PDF.js runs in a worker
// served from this origin, with eval and WebAssembly off). Loaded only when a PDF is previewed.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AnnotationMode, GlobalWorkerOptions, getDocument } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

GlobalWorkerOptions.workerSrc = workerUrl;

/** Pages drawn at most; the rest is a sentence ("12 pages; download it to read the rest"). */
const MAX_PAGES = 3;
const WIDTH = 300;

export default function PdfPages({ data, name }: { data: ArrayBuffer; name: string }) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const [pages, setPages] = useState<number | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    // PDF.js takes ownership of the buffer it is given: a copy keeps the caller's usable.
    const task = getDocument({ data: new Uint8Array(data.slice(0)), isEvalSupported: false, useWasm: false, enableXfa: false, useSystemFonts: true });
    void (async () => {
      try {
        const doc = await task.promise;
        if (!live) return;
        setPages(doc.numPages);
        for (let n = 1; n <= Math.min(MAX_PAGES, doc.numPages) && live; n++) {
          const page = await doc.getPage(n);
          const base = page.getViewport({ scale: 1 });
          const viewport = page.getViewport({ scale: (WIDTH / base.width) * (window.devicePixelRatio || 1) });
          const canvas = document.createElement('canvas');
          canvas.width = Math.floor(viewport.width);
          canvas.height = Math.floor(viewport.height);
          canvas.style.width = `${WIDTH}px`;
          canvas.className = 'preview-pdf-page';
          canvas.setAttribute('role', 'img');
          canvas.setAttribute('aria-label', t('details.preview.pdfPage', { name, page: n, count: doc.numPages }));
          await page.render({ canvas, viewport, annotationMode: AnnotationMode.DISABLE }).promise;
          if (live) box.current?.append(canvas);
        }
      } catch {
        if (live) setFailed(true);
      }
    })();
    return () => {
      live = false;
      void task.destroy();
      box.current?.replaceChildren();
    };
  }, [data, name, t]);

  if (failed) return <p className="hint">{t('details.preview.pdfFailed')}</p>;
  return (
    <>
      <div ref={box} className="preview-pdf" data-testid="pdf-preview" />
      {pages !== null && pages > MAX_PAGES && <p className="hint">{t('details.preview.pdfMore', { count: pages, shown: MAX_PAGES })}</p>}
    </>
  );
}
