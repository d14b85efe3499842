// The window: sidebar, toolbar, the object table (a drop target), the transfers panel. It opens the last place
// visited (else the first bucket, ready for a first drop), and wires the global shortcuts.
import { useEffect, useState } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import type { i18n } from 'i18next';
import type { AppModel } from '../stores/app-model';
import { ModelProvider, useConnections, useListing, useModel, useShell } from '../stores/model-context';
import type { Location } from '../stores/listing-store';
import { BrowseArea } from './details/BrowseArea';
import { DropZone } from './DropZone';
import { ErrorNotice } from './ErrorNotice';
import { ApplySettings } from './settings/ApplySettings';
import { LocaleProvider } from './settings/LocaleProvider';
import { LiveAnnouncer } from './LiveAnnouncer';
import { ObjectTable } from './ObjectTable';
import { Sidebar } from './Sidebar';
import { Toolbar, useUploadInputs } from './Toolbar';
import { TransfersPanel } from './TransfersPanel';
import { UnlockScreen } from './UnlockScreen';

export const PLACE_STORAGE_KEY = 'coffer.place';

export function App({ model, i18n, storage }: { model: AppModel; i18n: i18n; storage?: Pick<Storage, 'getItem' | 'setItem'> | null }) {
  return (
    <I18nextProvider i18n={i18n}>
      <ModelProvider model={model}>
        <LocaleProvider>
          <ApplySettings storage={storage ?? null} />
          <Shell storage={storage ?? null} />
        </LocaleProvider>
      </ModelProvider>
    </I18nextProvider>
  );
}

function Shell({ storage }: { storage: Pick<Storage, 'getItem' | 'setItem'> | null }) {
  const { t } = useTranslation();
  const model = useModel();
  const vault = useShell((s) => s.vault);
  const storeError = useShell((s) => s.storeError);
  const [skippedUnlock, setSkippedUnlock] = useState(false);
  usePlaceMemory(storage);
  const uploadInputs = useUploadInputs();

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'u') {
        e.preventDefault();
        uploadInputs.choose('files');
      } else if (e.key === 'F5' || (mod && e.key.toLowerCase() === 'r')) {
        e.preventDefault();
        void model.refresh();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [model, uploadInputs]);

  if (vault?.state === 'locked' && !skippedUnlock) return <UnlockScreen onSkip={() => setSkippedUnlock(true)} />;

  return (
    <div className="app">
      <Sidebar />
      <main className="main" aria-label={t('app.main')}>
        {storeError && <ErrorNotice error={storeError} />}
        <Toolbar uploadInputs={uploadInputs} />
        <BrowseArea>
          <DropZone>
            <ObjectTable />
          </DropZone>
        </BrowseArea>
        <TransfersPanel />
        {uploadInputs.elements}
        <LiveAnnouncer />
      </main>
    </div>
  );
}

/** Opens the last place visited, else the first bucket; remembers each place opened. */
function usePlaceMemory(storage: Pick<Storage, 'getItem' | 'setItem'> | null) {
  const model = useModel();
  const buckets = useConnections((s) => s.buckets);
  const location = useListing((s) => s.location);

  useEffect(() => {
    if (model.listing.getState().location) return;
    const saved = readPlace(storage);
    if (saved && buckets[saved.connectionId]?.some((b) => b.name === saved.bucket)) {
      void model.listing.getState().open(saved);
      return;
    }
    for (const [connectionId, list] of Object.entries(buckets)) {
      const first = list?.[0];
      if (first) {
        void model.listing.getState().open({ connectionId, bucket: first.name, prefix: '' });
        return;
      }
    }
  }, [buckets, model, storage]);

  useEffect(() => {
    if (!location || !storage) return;
    try {
      storage.setItem(PLACE_STORAGE_KEY, JSON.stringify(location));
    } catch {
      // Not remembering a place is harmless.
    }
  }, [location, storage]);
}

function readPlace(storage: Pick<Storage, 'getItem'> | null): Location | null {
  try {
    const v = JSON.parse(storage?.getItem(PLACE_STORAGE_KEY) ?? 'null') as Partial<Location> | null;
    if (v && typeof v.connectionId === 'string' && typeof v.bucket === 'string' && typeof v.prefix === 'string') return { connectionId: v.connectionId, bucket: v.bucket, prefix: v.prefix };
  } catch {
    // A damaged entry is ignored.
  }
  return null;
}
