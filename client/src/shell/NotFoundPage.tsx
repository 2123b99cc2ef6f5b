import { useTranslation } from 'react-i18next';
import { ButtonLink, Card, EmptyState } from '../design';
import { useTitle } from '../lib/useTitle';

export function NotFoundPage({ home }: { home: string }) {
  const { t } = useTranslation();
  useTitle(t('notFound.docTitle'));
  return (
    <div className="page page--narrow">
      <Card>
        <EmptyState
          title={t('notFound.title')}
          icon={<span className="notfound__code">404</span>}
          action={<ButtonLink to={home}>{t('notFound.back')}</ButtonLink>}
        >
          {t('notFound.body')}
        </EmptyState>
      </Card>
    </div>
  );
}
