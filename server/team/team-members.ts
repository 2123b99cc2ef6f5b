import { DataSource } from 'typeorm';
import { Role, User } from '../accounts/user.entity';
import { Viewer, isSuperadmin } from '../auth/viewer';
import { badInput, forbidden } from '../errors';
import { isUuid } from '../support/support-input';

/**
 * The Lex team's members, read on the owner's connections: the app role cannot read `users`
 * (docs/architecture.md §4), and who is on the team is no customer's business.
 */
export class TeamMembers {
  constructor(private readonly system: DataSource) {}

  async list(viewer: Viewer): Promise<User[]> {
    if (!isSuperadmin(viewer)) throw forbidden();
    return this.system.getRepository(User).find({ where: { role: Role.SUPERADMIN }, order: { name: 'ASC', id: 'ASC' } });
  }

  async byIds(ids: readonly string[]): Promise<User[]> {
    return this.system
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.id = ANY(:ids)', { ids })
      .andWhere('u.role = :role', { role: Role.SUPERADMIN })
      .getMany();
  }

  /** A current team member to assign a ticket to, or null to unassign. */
  async requireAssignee(assigneeId: string | null | undefined): Promise<User | null> {
    if (assigneeId == null) return null;
    const [member] = isUuid(assigneeId) ? await this.byIds([assigneeId]) : [];
    if (!member) throw badInput('assigneeId', 'assigneeId must be the id of a Lex team member');
    return member;
  }
}
