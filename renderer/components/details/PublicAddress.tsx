// Who may open the object without signing in. In a public bucket (or for a public object) its public address, and a
// sentence saying whether it works: a plain object opens for anyone; an encrypted one never does — COS serves
// encrypted objects only to signed requests — so the pane says so before anyone tries, and points at a share link.
import { useTranslation } from 'react-i18next';
import { Globe, ShieldAlert } from 'lucide-react';
import type { ObjectDetails } from '../../../shared/contract/channels-details';
import { CopyField } from './CopyField';

export function PublicAddress({ access, localStore }: { access: ObjectDetails['access']; localStore: boolean }) {
  const { t } = useTranslation();
  const unknown = access.bucketAcl === 'unknown' || access.objectAcl === 'unknown';
  return (
    <section className="details-section" aria-labelledby="details-access">
      <h3 id="details-access">{t('details.access.heading')}</h3>
      {access.publicUrl === null ? (
        <p>{unknown ? t('details.access.unknown') : t('details.access.private')}</p>
      ) : (
        <>
          <p className="enc">
            <Globe className="icon" aria-hidden />
            {access.bucketAcl === 'public-read' || access.bucketAcl === 'public-read-write' ? t('details.access.publicBucket') : t('details.access.publicObject')}
          </p>
          <CopyField value={access.publicUrl} label={t('details.access.publicUrl')} />
          {access.publicUrlBlocked ? (
            <p className="details-warning" role="note">
              <ShieldAlert className="icon" aria-hidden />
              {t('details.access.blocked')}
            </p>
          ) : (
            <p className="hint">{t('details.access.works')}</p>
          )}
          {localStore && <p className="hint">{t('details.share.localStore')}</p>}
        </>
      )}
    </section>
  );
}
