// An error as the guide wants it: a sentence with the next step, and a "Details" disclosure holding the code
// and request id for support. Never a stack. Errors raised in the page itself have translations by code.
import { useTranslation } from 'react-i18next';
import { CircleAlert } from 'lucide-react';
import type { AppError } from '../../shared/contract';
import { Button } from 'react-aria-components';
import { nameOfKey } from './details/details-store';

export function useErrorSentence() {
  const { t, i18n } = useTranslation();
  // A translation may name the file (details.key): "{{name}}" is its last part.
  return (error: AppError) => (i18n.exists(`errors.${error.code}`) ? t(`errors.${error.code}`, { name: error.details.key ? nameOfKey(error.details.key) : '' }) : error.message);
}

export function ErrorNotice({ error, onRetry, onDismiss }: { error: AppError; onRetry?: () => void; onDismiss?: () => void }) {
  const { t } = useTranslation();
  const sentence = useErrorSentence();
  const d = error.details;
  return (
    <div className="error-notice" role="alert">
      <CircleAlert className="icon" aria-hidden />
      <div className="error-body">
        <p className="error-sentence">{sentence(error)}</p>
        <details className="error-details">
          <summary>{t('common.details')}</summary>
          <dl>
            <dt>{t('common.code')}</dt>
            <dd>{d.code ?? error.code}</dd>
            {d.requestId && (
              <>
                <dt>{t('common.requestId')}</dt>
                <dd>{d.requestId}</dd>
              </>
            )}
            {d.httpStatus !== undefined && (
              <>
                <dt>{t('common.httpStatus')}</dt>
                <dd>{d.httpStatus}</dd>
              </>
            )}
          </dl>
        </details>
      </div>
      {onRetry && (
        <Button className="button" onPress={onRetry}>
          {t('common.retry')}
        </Button>
      )}
      {onDismiss && (
        <Button className="button quiet" onPress={onDismiss}>
          {t('common.close')}
        </Button>
      )}
    </div>
  );
}
