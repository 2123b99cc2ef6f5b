import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from './auth/session';
import { Alert, Button } from './design';
import { friendlyMessage } from './lib/errors';
import { Layout } from './shell/Layout';
import { NotFoundPage } from './shell/NotFoundPage';
import { pageFiles } from './page-files';
import { MyTicketsPage } from './support/MyTicketsPage';

const AdminDashboardPage = lazy(pageFiles.adminDashboard);
const AdminTicketPage = lazy(pageFiles.adminTicket);
const CannedRepliesPage = lazy(pageFiles.cannedReplies);
const ReportsPage = lazy(pageFiles.reports);
const SignInPage = lazy(pageFiles.signIn);
const NewTicketPage = lazy(pageFiles.newTicket);
const TicketPage = lazy(pageFiles.ticket);

function Splash() {
  const { t } = useTranslation();
  return (
    <div className="splash" aria-busy="true">
      <span className="btn__spinner" aria-hidden="true" />
      <span className="sr-only">{t('common.loading')}</span>
    </div>
  );
}

function ToAdminTicket() {
  const { id } = useParams();
  return <Navigate to={`/admin/support/${id}`} replace />;
}

export function App() {
  const { viewer, loading, error, isAdmin, retry } = useSession();
  const { t } = useTranslation();

  if (loading) return <Splash />;
  if (!viewer) {
    if (error) {
      return (
        <div className="page page--narrow splash-error">
          <Alert tone="error">{friendlyMessage(error)}</Alert>
          <Button onClick={retry}>{t('common.tryAgain')}</Button>
        </div>
      );
    }
    return (
      <Suspense fallback={<Splash />}>
        <SignInPage />
      </Suspense>
    );
  }

  return (
    <Layout>
      <Suspense fallback={<Splash />}>
        {isAdmin ? (
          <Routes>
            <Route path="/" element={<Navigate to="/admin/support" replace />} />
            <Route path="/admin" element={<Navigate to="/admin/support" replace />} />
            <Route path="/admin/support" element={<AdminDashboardPage />} />
            <Route path="/admin/support/canned-replies" element={<CannedRepliesPage />} />
            <Route path="/admin/support/reports" element={<ReportsPage />} />
            <Route path="/admin/support/:id" element={<AdminTicketPage />} />
            <Route path="/support" element={<Navigate to="/admin/support" replace />} />
            <Route path="/support/:id" element={<ToAdminTicket />} />
            <Route path="*" element={<NotFoundPage home="/admin/support" />} />
          </Routes>
        ) : (
          <Routes>
            <Route path="/" element={<Navigate to="/support" replace />} />
            <Route path="/support" element={<MyTicketsPage />} />
            <Route path="/support/new" element={<NewTicketPage />} />
            <Route path="/support/:id" element={<TicketPage admin={false} />} />
            <Route path="*" element={<NotFoundPage home="/support" />} />
          </Routes>
        )}
      </Suspense>
    </Layout>
  );
}
