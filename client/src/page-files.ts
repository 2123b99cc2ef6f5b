/**
 * The pages that download on their own, when shown (docs/architecture.md §9): customers never get the
 * team's pages, and the ticket list, the page most visits start on, comes with the first download.
 * A second call of a loader returns the same download.
 */
export const pageFiles = {
  adminDashboard: () => import('./admin/AdminDashboardPage'),
  adminTicket: () => import('./admin/AdminTicketPage'),
  cannedReplies: () => import('./team/CannedRepliesPage'),
  reports: () => import('./reports/ReportsPage'),
  signIn: () => import('./auth/SignInPage').then((m) => ({ default: m.SignInPage })),
  newTicket: () => import('./support/NewTicketPage').then((m) => ({ default: m.NewTicketPage })),
  ticket: () => import('./support/TicketPage').then((m) => ({ default: m.TicketPage })),
};

export type PageFile = keyof typeof pageFiles;

/** The page file an address will show once the session is known (sign-in aside, which only the session tells). */
export function pageFileFor(pathname: string): PageFile | undefined {
  if (/^\/admin\/support\/canned-replies\/?$/.test(pathname)) return 'cannedReplies';
  if (/^\/admin\/support\/reports\/?$/.test(pathname)) return 'reports';
  if (/^\/admin\/support\/[^/]+\/?$/.test(pathname)) return 'adminTicket';
  if (/^\/admin(\/support)?\/?$/.test(pathname)) return 'adminDashboard';
  if (/^\/support\/new\/?$/.test(pathname)) return 'newTicket';
  if (/^\/support\/[^/]+\/?$/.test(pathname)) return 'ticket';
  return undefined;
}

/** Starts the download of the page the address asks for, alongside the session check instead of after it. */
export function prefetchPageFor(pathname: string): void {
  const page = pageFileFor(pathname);
  if (page) void pageFiles[page]().catch(() => undefined);
}
