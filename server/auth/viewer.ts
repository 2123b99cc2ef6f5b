import { Role } from '../accounts/user.entity';

/** The signed-in person a request or a socket acts for. */
export interface Viewer {
  id: string;
  role: Role;
  name: string;
  email: string;
  tenantId: string | null;
  sessionId: string;
  /**
   * The hash of the session's token, as `sessions` stores it: transactions name it in `app.session`,
   * and row-level security finds the viewer from it (the app's database role cannot read it back).
   */
  sessionKey: string;
  sessionExpiresAt: Date;
}

/** Who a database transaction acts for. */
export type Actor = Pick<Viewer, 'id' | 'role'>;

export const isSuperadmin = (viewer: Actor) => viewer.role === Role.SUPERADMIN;

/** The Lex team as a whole, for work no single superadmin asked for (such as the team's badge). */
export const LEX_TEAM: Actor = { id: '00000000-0000-0000-0000-000000000000', role: Role.SUPERADMIN };
