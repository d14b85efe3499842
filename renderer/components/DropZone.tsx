// Drag and drop anywhere on the table. While files hover, an overlay names where they will go and the
// encryption that will really apply; folders keep their structure.
import { useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Upload } from 'lucide-react';
import { collectDroppedFiles, takeDropEntries } from '../lib/drop-files';
import { placeLabel } from '../lib/format';
import { findBucket } from '../stores/connections-store';
import { useConnections, useListing, useModel, useUpload as useUploadStore } from '../stores/model-context';
import { effectiveSse } from '../stores/upload-store';
import { useUpload } from './use-upload';

const hasFiles = (e: React.DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');

export function DropZone({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const location = useListing((s) => s.location);
  const bucket = useConnections((s) => (location ? findBucket(s, location.connectionId, location.bucket) : undefined));
  const choice = useUploadStore((s) => s.choice);
  const { uploadFiles } = useUpload();
  const model = useModel();
  const [active, setActive] = useState(false);
  const depth = useRef(0);

  if (!location) return <div className="drop-zone">{children}</div>;
  const { label, notOffered } = effectiveSse(choice, bucket);
  const place = placeLabel(location.bucket, location.prefix);

  return (
    <div
      className="drop-zone"
      data-testid="drop-zone"
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current++;
        setActive(true);
      }}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setActive(false);
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current = 0;
        setActive(false);
        // Only taking the entries happens inside the event; the walk and the upload's start run in slices after it.
        const taken = takeDropEntries(e.dataTransfer, { folderHandles: !model.bridge.needsFilePaths });
        void collectDroppedFiles(taken).then(async ({ files, unreadable, emptyFolders, rest }) => {
          const sayUnreadable = (paths: string[]) => {
            if (paths.length === 0) return;
            const error = { kind: 'not-found' as const, code: 'UnreadableDropped', message: `Coffer could not read ${paths.length} of the dropped files (first: ${paths[0]}); drop them again.`, details: { path: paths[0] } };
            model.transfers.setState({ error });
          };
          sayUnreadable(unreadable);
          if (files.length === 0 && emptyFolders.length === 0 && unreadable.length > 0) return;
          const startedIn = await uploadFiles(files, emptyFolders, rest?.more);
          // A big folder's walk goes on while its files upload: what it could not read, and its empty folders, are
          // known at its end (made where the drop went, wherever the window is by then).
          if (!rest || !startedIn) return;
          const late = await rest.finished;
          sayUnreadable(late.unreadable);
          if (late.emptyFolders.length > 0) await uploadFiles([], late.emptyFolders, undefined, startedIn);
        });
      }}
    >
      {children}
      {active && (
        <div className="drop-overlay" role="status" aria-live="polite">
          <Upload className="icon big" aria-hidden />
          <p>
            {notOffered ? t('drop.overlayNotOffered', { place, region: bucket?.region }) : label === 'none' ? t('drop.overlayNone', { place }) : t('drop.overlay', { place, mode: label })}
          </p>
        </div>
      )}
    </div>
  );
}
