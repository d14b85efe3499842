// An error as the guide wants it: a sentence with the next step, and a "Details" disclosure holding the code
// and request id for support. Never a stack. The core's common errors come with a phrase the window translates;
// errors raised in the page itself have translations by code.
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { CircleAlert } from 'lucide-react';
import type { AppError } from '../../shared/contract';
import { Button } from 'react-aria-components';
import { nameOfKey } from './details/details-store';

/**
 * An error's sentence in the window's language: the core's phrase when it sent one (shared/contract/error-phrases.ts),
 * else the page's own translation of its code, else the core's English message.
 */
export function errorSentence(t: TFunction, error: AppError): string {
  if (error.phrase) return t(`errors.phrase.${error.phrase.id}`, error.phrase.values);
  // A translation may name the file (details.key): "{{name}}" is its last part.
  const own = t(`errors.${error.code}`, { name: error.details.key ? nameOfKey(error.details.key) : '', defaultValue: '' });
  return own || error.message;
}

export function useErrorSentence() {
  const { t } = useTranslation();
  return (error: AppError) => errorSentence(t, error);
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
