/** Where the team's reports are (docs/architecture.md §11); the navigation links here without loading the page. */
export const REPORTS_PATH = '/admin/support/reports';
