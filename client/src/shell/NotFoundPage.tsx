import { useEffect } from 'react';
import { ButtonLink, Card, EmptyState } from '../design';

export function NotFoundPage({ home }: { home: string }) {
  useEffect(() => {
    document.title = 'Not found · Lex Support';
  }, []);
  return (
    <div className="page page--narrow">
      <Card>
        <EmptyState
          title="Page not found"
          icon={<span className="notfound__code">404</span>}
          action={<ButtonLink to={home}>Back to support</ButtonLink>}
        >
          This page does not exist, or you do not have access to it.
        </EmptyState>
      </Card>
    </div>
  );
}
