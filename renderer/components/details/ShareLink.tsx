// "Share link": how long the link should work (at most 7 days), then a link made and signed by the core — the page
// never holds credentials — with a Copy button and what the link means: until when anyone with it can download the
// file, that an SSE-C file needs its key besides, and that a link to this computer's store works while Coffer runs.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChevronDown, Link } from 'lucide-react';
import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue } from 'react-aria-components';
import type { AppError, Response } from '../../../shared/contract';
import { formatDate } from '../../lib/format';
import { useListing, useModel } from '../../stores/model-context';
import { ErrorNotice } from '../ErrorNotice';
import { CopyField } from './CopyField';
import { useDetails } from './details-store';

/** The choices, in seconds: 15 minutes to 7 days (COS's limit for pre-signed links). */
export const SHARE_EXPIRIES = [
  { id: '15m', seconds: 15 * 60 },
  { id: '1h', seconds: 3600 },
  { id: '1d', seconds: 24 * 3600 },
  { id: '7d', seconds: 7 * 24 * 3600 },
] as const;

export function ShareLink({ objectKey, localStore }: { objectKey: string; localStore: boolean }) {
  const { t, i18n } = useTranslation();
  const model = useModel();
  const location = useListing((s) => s.location);
  const [expiry, setExpiry] = useState<string>('1d');
  const [link, setLink] = useState<Response<'objects.share'> | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const shareRequest = useDetails((s) => s.shareRequest);
  const section = useRef<HTMLElement>(null);

  useEffect(() => {
    setLink(null);
    setError(null);
  }, [objectKey]);
  // The menu's "Share link…" brings this section into view.
  useEffect(() => {
    if (shareRequest > 0) {
      section.current?.scrollIntoView?.({ block: 'nearest' });
      section.current?.querySelector<HTMLElement>('button')?.focus();
    }
  }, [shareRequest]);

  const create = async () => {
    if (!location || busy) return;
    setBusy(true);
    const seconds = SHARE_EXPIRIES.find((e) => e.id === expiry)!.seconds;
    const answer = await model.bridge.api.objects.share({ connectionId: location.connectionId, bucket: location.bucket, key: objectKey, expiresSeconds: seconds });
    setBusy(false);
    if (!answer.ok) return setError(answer.error);
    setError(null);
    setLink(answer.value);
  };

  return (
    <section ref={section} className="details-section" aria-labelledby="details-share">
      <h3 id="details-share">{t('details.share.heading')}</h3>
      <div className="share-row">
        <Select selectedKey={expiry} onSelectionChange={(k) => (setExpiry(String(k)), setLink(null))} className="share-expiry">
          <Label>{t('details.share.validFor')}</Label>
          <Button className="button">
            <SelectValue />
            <ChevronDown className="icon" aria-hidden />
          </Button>
          <Popover className="popover">
            <ListBox className="menu">
              {SHARE_EXPIRIES.map((e) => (
                <ListBoxItem key={e.id} id={e.id} className="menu-item">
                  {t(`details.share.expiry.${e.id}`)}
                </ListBoxItem>
              ))}
            </ListBox>
          </Popover>
        </Select>
        <Button className="button" aria-disabled={busy || undefined} onPress={() => void create()}>
          <Link className="icon" aria-hidden />
          {t('details.share.create')}
        </Button>
      </div>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {link && (
        <>
          <CopyField value={link.url} label={t('details.share.link')} />
          <p className="hint">{t('details.share.until', { date: formatDate(link.expiresAt, i18n.language) })}</p>
          {link.needsSseCKey && (
            <p className="details-warning" role="note">
              {t('details.share.needsKey')}
            </p>
          )}
          {localStore && <p className="hint">{t('details.share.localStore')}</p>}
        </>
      )}
    </section>
  );
}
