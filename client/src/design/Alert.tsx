import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

interface AlertProps {
  tone: 'success' | 'error' | 'info';
  children: ReactNode;
  onDismiss?: () => void;
}

export function Alert({ tone, children, onDismiss }: AlertProps) {
  const { t } = useTranslation();
  return (
    <div className={`alert alert--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <div className="alert__body">{children}</div>
      {onDismiss && (
        <button type="button" className="alert__close" onClick={onDismiss} aria-label={t('common.dismiss')}>
          ×
        </button>
      )}
    </div>
  );
}
