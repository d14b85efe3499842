// The facts of one object as a definition list: size, type, modified, storage class, ETag, CRC64, then every piece
// of user metadata and the stored headers worth knowing. Values can be selected and copied.
import { useTranslation } from 'react-i18next';
import type { ObjectDetails } from '../../../shared/contract/channels-details';
import { formatDate, formatSize } from '../../lib/format';

export function ObjectFacts({ details }: { details: ObjectDetails }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const d = details;
  const metadata = Object.entries(d.metadata).sort(([a], [b]) => a.localeCompare(b));
  const headers = Object.entries(d.headers);
  const unknown = t('details.unknown');
  return (
    <section className="details-section" aria-labelledby="details-facts">
      <h3 id="details-facts">{t('details.facts')}</h3>
      <dl className="facts">
        <dt>{t('details.size')}</dt>
        <dd>
          {formatSize(d.size, lang)}
          {d.size >= 1000 && <span className="hint"> ({t('details.bytes', { count: d.size, formatted: d.size.toLocaleString(lang) })})</span>}
        </dd>
        <dt>{t('details.type')}</dt>
        <dd>{d.contentType || unknown}</dd>
        <dt>{t('details.modified')}</dt>
        <dd>{d.lastModified ? formatDate(d.lastModified, lang) : unknown}</dd>
        <dt>{t('details.storageClass')}</dt>
        <dd>{t(`storageClass.${d.storageClass}`, { defaultValue: d.storageClass })}</dd>
        <dt>ETag</dt>
        <dd className="mono">{d.etag || unknown}</dd>
        <dt>CRC64</dt>
        <dd className="mono">{d.crc64 ?? unknown}</dd>
        {headers.map(([name, value]) => (
          <div key={name} className="fact">
            <dt className="mono">{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <h4>{t('details.metadata')}</h4>
      {metadata.length === 0 ? (
        <p className="hint">{d.complete ? t('details.noMetadata') : t('details.metadataNeedsKey')}</p>
      ) : (
        <dl className="facts">
          {metadata.map(([name, value]) => (
            <div key={name} className="fact">
              <dt className="mono">{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
