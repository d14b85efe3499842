// Where the table is: the bucket, then each folder; every part but the last goes back there.
import { useTranslation } from 'react-i18next';
import { ChevronRight } from 'lucide-react';
import { Button } from 'react-aria-components';
import { bucketLabel } from '../lib/format';
import { useListing, useModel } from '../stores/model-context';

export function Breadcrumb() {
  const { t } = useTranslation();
  const model = useModel();
  const location = useListing((s) => s.location);
  if (!location) return null;
  const segments = location.prefix.split('/').filter(Boolean);
  const parts = [{ label: bucketLabel(location.bucket), prefix: '' }, ...segments.map((seg, i) => ({ label: seg, prefix: segments.slice(0, i + 1).join('/') + '/' }))];
  return (
    <nav aria-label={t('toolbar.location')} className="breadcrumb">
      <ol>
        {parts.map((p, i) => (
          <li key={p.prefix}>
            {i > 0 && <ChevronRight className="icon sep" aria-hidden />}
            {i === parts.length - 1 ? (
              <span aria-current="page">{p.label}</span>
            ) : (
              <Button className="link" onPress={() => void model.listing.getState().open({ ...location, prefix: p.prefix })}>
                {p.label}
              </Button>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
