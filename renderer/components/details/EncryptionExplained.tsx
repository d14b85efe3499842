// The encryption of one object in plain words: what the mode protects (the service's disks and backups), what it
// does not (anyone allowed to read gets the plain file), why a public address cannot open it, and for SSE-C which
// key of the vault opens it — or what it means that none does.
import { useTranslation } from 'react-i18next';
import { Lock, LockOpen, TriangleAlert } from 'lucide-react';
import type { ObjectEncryption } from '../../../shared/contract/channels-details';

export function EncryptionExplained({ encryption }: { encryption: ObjectEncryption }) {
  const { t } = useTranslation();
  const e = encryption;
  const on = e.mode !== 'none';
  return (
    <section className="details-section" aria-labelledby="details-encryption">
      <h3 id="details-encryption">{t('details.encryption.heading')}</h3>
      <p className={`enc ${on ? 'enc-on' : 'enc-off'} details-mode`}>
        {on ? <Lock className="icon" aria-hidden /> : <LockOpen className="icon" aria-hidden />}
        {e.mode === 'unrecognized' ? t('details.encryption.mode.unrecognized', { algorithm: e.algorithm }) : t(`details.encryption.mode.${e.mode}`)}
      </p>
      {e.mode === 'none' ? (
        <p>{t('details.encryption.protects.none')}</p>
      ) : (
        <>
          <p>{e.mode === 'SSE-KMS' && e.kmsKeyId ? t('details.encryption.protects.SSE-KMS-key', { keyId: e.kmsKeyId }) : t(`details.encryption.protects.${e.mode}`)}</p>
          <p>{t('details.encryption.notProtects')}</p>
          <p>{t('details.encryption.noPublicLink')}</p>
        </>
      )}
      {e.mode === 'SSE-C' &&
        (e.vaultKeyId ? (
          <p>{t('details.encryption.sseCKey', { name: e.vaultKeyId })}</p>
        ) : (
          <p className="details-warning" role="note">
            <TriangleAlert className="icon" aria-hidden />
            {t('details.encryption.sseCKeyMissing')}
          </p>
        ))}
    </section>
  );
}
